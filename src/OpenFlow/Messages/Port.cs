using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Port administrative settings (<c>enum ofp_port_config</c>).</summary>
[Flags]
public enum PortConfig : uint
{
    None = 0,
    PortDown = 1 << 0,
    NoRecv = 1 << 2,
    NoFwd = 1 << 5,
    NoPacketIn = 1 << 6,
}

/// <summary>Port state (<c>enum ofp_port_state</c>).</summary>
[Flags]
public enum PortState : uint
{
    None = 0,
    LinkDown = 1 << 0,
    Blocked = 1 << 1,
    Live = 1 << 2,
}

/// <summary>Port features (<c>enum ofp_port_features</c>).</summary>
[Flags]
public enum PortFeatures : uint
{
    None = 0,
    Rate10MbHd = 1 << 0,
    Rate10MbFd = 1 << 1,
    Rate100MbHd = 1 << 2,
    Rate100MbFd = 1 << 3,
    Rate1GbHd = 1 << 4,
    Rate1GbFd = 1 << 5,
    Rate10GbFd = 1 << 6,
    Rate40GbFd = 1 << 7,
    Rate100GbFd = 1 << 8,
    Rate1TbFd = 1 << 9,
    Other = 1 << 10,
    Copper = 1 << 11,
    Fiber = 1 << 12,
    Autoneg = 1 << 13,
    Pause = 1 << 14,
    PauseAsym = 1 << 15,
}

/// <summary>A switch port description (<c>struct ofp_port</c>, 64 bytes).</summary>
/// <remarks>
/// <code>
/// port_no(4) | pad(4) | hw_addr(6) | pad(2) | name(16, NUL padded) | config(4) | state(4)
/// | curr(4) | advertised(4) | supported(4) | peer(4) | curr_speed(4, kbps) | max_speed(4, kbps)
/// </code>
/// </remarks>
public sealed record Port
{
    public const int Size = 64;

    public const int NameLength = 16;

    public uint PortNo { get; init; }

    public MacAddress HwAddr { get; init; }

    /// <summary>Interface name (at most 15 ASCII characters on the wire).</summary>
    public string Name { get; init; } = string.Empty;

    public PortConfig Config { get; init; }

    public PortState State { get; init; }

    public PortFeatures Curr { get; init; }

    public PortFeatures Advertised { get; init; }

    public PortFeatures Supported { get; init; }

    public PortFeatures Peer { get; init; }

    /// <summary>Current bit rate in kbps.</summary>
    public uint CurrSpeed { get; init; }

    /// <summary>Maximum bit rate in kbps.</summary>
    public uint MaxSpeed { get; init; }

    /// <summary>True when the link is up and the port not administratively down.</summary>
    public bool IsUp => (State & PortState.LinkDown) == 0 && (Config & PortConfig.PortDown) == 0;

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt32(PortNo);
        w.WriteZeros(4);
        w.WriteUInt32((uint)(HwAddr.Value >> 16));
        w.WriteUInt16((ushort)HwAddr.Value);
        w.WriteZeros(2);
        FixedString.Write(ref w, Name, NameLength);
        w.WriteUInt32((uint)Config);
        w.WriteUInt32((uint)State);
        w.WriteUInt32((uint)Curr);
        w.WriteUInt32((uint)Advertised);
        w.WriteUInt32((uint)Supported);
        w.WriteUInt32((uint)Peer);
        w.WriteUInt32(CurrSpeed);
        w.WriteUInt32(MaxSpeed);
    }

    /// <summary>Reads one 64-byte port.</summary>
    public static Port Read(ref OfpReader outer)
    {
        var r = outer.Slice(Size);
        var portNo = r.ReadUInt32();
        r.Skip(4);
        var mac = MacAddress.Read(r.ReadBytes(6));
        r.Skip(2);
        return new Port
        {
            PortNo = portNo,
            HwAddr = mac,
            Name = r.ReadFixedString(NameLength),
            Config = (PortConfig)r.ReadUInt32(),
            State = (PortState)r.ReadUInt32(),
            Curr = (PortFeatures)r.ReadUInt32(),
            Advertised = (PortFeatures)r.ReadUInt32(),
            Supported = (PortFeatures)r.ReadUInt32(),
            Peer = (PortFeatures)r.ReadUInt32(),
            CurrSpeed = r.ReadUInt32(),
            MaxSpeed = r.ReadUInt32(),
        };
    }
}
