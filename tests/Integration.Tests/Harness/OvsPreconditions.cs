namespace Integration.Tests.Harness;

/// <summary>
/// Guards for tests that need root and a real Open vSwitch. Without them the test is ignored with the
/// reason, unless REQUIRE_REAL_OVS=1 is set, in which case it fails: CI sets it so these tests can
/// never silently stop running there.
/// </summary>
internal static class OvsPreconditions
{
    private static readonly string[] BaseCommands = ["ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl", "ip", "socat"];

    public static void RequireRootAndOvs(params string[] extraCommands)
    {
        RequireRoot("real Open vSwitch tests need root (network namespaces, veths, ovs-vswitchd)");

        foreach (var command in BaseCommands.Concat(extraCommands))
        {
            if (!Sh.CommandExists(command))
            {
                Skip($"'{command}' is not installed (apt-get install openvswitch-switch socat tcpdump iperf3 arping ethtool mininet)");
            }
        }
    }

    /// <summary>Ignores (or, under REQUIRE_REAL_OVS=1, fails) the test when it does not run as root.</summary>
    public static void RequireRoot(string why)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip(why);
        }
    }

    /// <summary>Ignores (or, under REQUIRE_REAL_OVS=1, fails) the test when a command is not on PATH.</summary>
    public static void RequireCommand(string command, string installHint)
    {
        if (!Sh.CommandExists(command))
        {
            Skip($"'{command}' is not installed ({installHint})");
        }
    }

    /// <summary>Ignores (or, under REQUIRE_REAL_OVS=1, fails) the test when <paramref name="path"/> does not exist.</summary>
    public static void RequireFile(string path, string installHint)
    {
        if (!File.Exists(path))
        {
            Skip($"{path} is missing ({installHint})");
        }
    }

    /// <summary>Ignores (or, under REQUIRE_REAL_OVS=1, fails) the test unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string reason)
    {
        if (!condition)
        {
            Skip(reason);
        }
    }

    private static void Skip(string reason)
    {
        if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
        {
            Assert.Fail($"REQUIRE_REAL_OVS=1 but {reason}");
        }

        Assert.Ignore(reason);
    }
}
