using System.Net;
using System.Net.Sockets;

namespace Controller.Store;

/// <summary>
/// The store's field rules, free of any state: names, system ids, tunnel endpoints, interface names, MACs,
/// prefixes and the DHCP fields of a network. Each <c>Try*</c> adds a message per bad field to
/// <c>errors</c>, so one request reports every bad field at once (REST: 400 naming them).
/// </summary>
internal static class StoreValidation
{
    public const int MaxNameLength = TenantStore.MaxNameLength;
    public const int MaxPortNameLength = TenantStore.MaxPortNameLength;
    private const ulong MaxMac = 0xFFFF_FFFF_FFFF;

    internal static bool IsNetworkOrBroadcast(IPNetwork net, IPAddress ip)
    {
        if (net.PrefixLength >= 31)
        {
            return false; // RFC 3021 point-to-point links use both addresses
        }

        var a = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes());
        var b = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(net.BaseAddress.GetAddressBytes());
        var hostMask = net.PrefixLength == 0 ? uint.MaxValue : ~(uint.MaxValue << (32 - net.PrefixLength));
        return a == b || a == (b | hostMask);
    }

    internal static string CheckName(string field, string? name)
    {
        var errors = new Dictionary<string, string[]>();
        var n = TryName(field, name, errors);
        ThrowIfAny(errors);
        return n;
    }

    internal static string TryName(string field, string? name, Dictionary<string, string[]> errors)
    {
        var n = name?.Trim() ?? "";
        if (n.Length == 0)
        {
            errors[field] = [$"{field} is required and must not be blank."];
        }
        else if (n.Length > MaxNameLength)
        {
            errors[field] = [$"{field} must be at most {MaxNameLength} characters."];
        }
        else if (n.Any(char.IsControl))
        {
            errors[field] = [$"{field} must not contain control characters."];
        }

        return n;
    }

    /// <summary>A system id as OVS and the REST layer accept it: 1..100 characters, no control characters, not blank.</summary>
    internal static string TrySystemId(string? systemId, Dictionary<string, string[]> errors)
    {
        var v = systemId ?? "";
        if (string.IsNullOrWhiteSpace(v))
        {
            errors["systemId"] = ["systemId must not be empty or blank."];
        }
        else if (v.Length > MaxNameLength)
        {
            errors["systemId"] = [$"systemId must be at most {MaxNameLength} characters."];
        }
        else if (v.Any(char.IsControl))
        {
            errors["systemId"] = ["systemId must not contain control characters."];
        }
        else if (v.Trim().Length != v.Length)
        {
            errors["systemId"] = ["systemId must not start or end with white space."];
        }

        return v;
    }

    internal static string TryOptionalName(string field, string? name, Dictionary<string, string[]> errors)
    {
        var n = name?.Trim() ?? "";
        if (n.Length > MaxNameLength)
        {
            errors[field] = [$"{field} must be at most {MaxNameLength} characters."];
        }
        else if (n.Any(char.IsControl))
        {
            errors[field] = [$"{field} must not contain control characters."];
        }

        return n;
    }

    internal static void TryTunnelIp(IPAddress? ip, Dictionary<string, string[]> errors)
    {
        if (ip is null)
        {
            errors["tunnelIp"] = ["tunnelIp is required."];
        }
        else if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6Loopback) || ip.IsIPv6Multicast || ip.IsIPv6LinkLocal || ip.IsIPv4MappedToIPv6 || ip.ScopeId != 0)
            {
                errors["tunnelIp"] = [$"tunnelIp must be a global or unique-local IPv6 unicast address (not ::, ::1, multicast, link-local or IPv4-mapped); got {ip}."];
            }
        }
        else if (ip.AddressFamily != AddressFamily.InterNetwork)
        {
            errors["tunnelIp"] = [$"tunnelIp must be an IPv4 or IPv6 address; got {ip}."];
        }
        else if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.Broadcast) || (ip.GetAddressBytes()[0] & 0xF0) == 0xE0)
        {
            errors["tunnelIp"] = [$"tunnelIp must be a unicast address (not unspecified, broadcast or multicast); got {ip}."];
        }
        else if (IPAddress.IsLoopback(ip) || ip.GetAddressBytes()[0] == 0)
        {
            errors["tunnelIp"] = [$"tunnelIp must be reachable from other hosts (not loopback or 0.0.0.0/8); got {ip}."];
        }
    }

    /// <summary>Linux interface name rules (dev_valid_name): 1..15 characters, not "." or "..", no '/', ':' or whitespace.</summary>
    internal static void TryPortName(string? name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors["portName"] = ["portName is required."];
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxPortNameLength)
        {
            errors["portName"] = [$"portName must be at most {MaxPortNameLength} bytes (an OVS interface name, IFNAMSIZ-1); got {System.Text.Encoding.UTF8.GetByteCount(name)}."];
        }
        else if (name is "." or ".." || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors["portName"] = [$"portName must be a valid interface name (no '/', ':', whitespace or control characters; not '.' or '..'); got '{name}'."];
        }
    }

    internal static void TryMac(ulong mac, Dictionary<string, string[]> errors)
    {
        if (mac > MaxMac)
        {
            errors["mac"] = ["mac must fit in 48 bits."];
        }
        else if (mac == 0)
        {
            errors["mac"] = ["mac must not be 00:00:00:00:00:00."];
        }
        else if (((mac >> 40) & 1) != 0)
        {
            errors["mac"] = [$"mac {TenantStore.MacText(mac)} is a multicast address; a port needs a unicast MAC."];
        }
    }

    internal static void CheckDhcpFields(NewNetwork spec, string? cidr, Dictionary<string, string[]> errors)
    {
        if (!spec.DnsServers.IsDefault && spec.DnsServers.Length > NewNetwork.MaxDnsServers)
        {
            errors["dnsServers"] = [$"dnsServers takes at most {NewNetwork.MaxDnsServers} addresses."];
        }
        else if (!spec.DnsServers.IsDefault && spec.DnsServers.Any(a => a.AddressFamily != AddressFamily.InterNetwork))
        {
            errors["dnsServers"] = ["dnsServers must be IPv4 addresses."];
        }

        if (spec.Gateway is not { } gw)
        {
            return;
        }

        if (spec.Cidr is null)
        {
            errors["gateway"] = ["gateway needs the network's cidr."];
        }
        else if (cidr is not null)
        {
            var net = IPNetwork.Parse(cidr);
            if (gw.AddressFamily != AddressFamily.InterNetwork || !net.Contains(gw))
            {
                errors["gateway"] = [$"gateway {gw} is outside the network's prefix {cidr}."];
            }
            else if (IsNetworkOrBroadcast(net, gw))
            {
                errors["gateway"] = [$"gateway {gw} is the network or broadcast address of {cidr}."];
            }
        }
    }

    internal static string? TryCidr(string cidr, Dictionary<string, string[]> errors)
    {
        // Only the canonical text: no host bits, no leading zeros, nothing a lenient parser would reinterpret.
        if (IPNetwork.TryParse(cidr, out var net) && net.BaseAddress.AddressFamily == AddressFamily.InterNetwork
            && string.Equals(net.ToString(), cidr, StringComparison.Ordinal))
        {
            return net.ToString();
        }

        errors["cidr"] = [$"cidr must be an IPv4 prefix with zero host bits, like 10.0.0.0/24; got '{cidr}'."];
        return null;
    }

    internal static void ThrowIfAny(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new StoreValidationException(errors);
        }
    }
}
