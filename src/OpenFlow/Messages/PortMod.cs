using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_PORT_MOD (<c>struct ofp_port_mod</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | port_no(4) | pad(4) | hw_addr(6) | pad(2) | config(4) | mask(4) | advertise(4) | pad(4)
/// </code>
/// Only the <see cref="Config"/> bits selected by <see cref="Mask"/> change.
/// </remarks>
public sealed record PortMod : OfpMessage
{
    public override OfpType Type => OfpType.PortMod;

    public uint PortNo { get; init; }

    /// <summary>Must equal the port's address (a sanity check by the switch).</summary>
    public MacAddress HwAddr { get; init; }

    public PortConfig Config { get; init; }

    public PortConfig Mask { get; init; }

    /// <summary>Features to advertise; 0 leaves them unchanged.</summary>
    public PortFeatures Advertise { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(PortNo);
        writer.WriteZeros(4);
        writer.WriteUInt32((uint)(HwAddr.Value >> 16));
        writer.WriteUInt16((ushort)HwAddr.Value);
        writer.WriteZeros(2);
        writer.WriteUInt32((uint)Config);
        writer.WriteUInt32((uint)Mask);
        writer.WriteUInt32((uint)Advertise);
        writer.WriteZeros(4);
    }

    public static PortMod Read(ref OfpReader r, in OfpHeader h)
    {
        var port = r.ReadUInt32();
        r.Skip(4);
        var mac = MacAddress.Read(r.ReadBytes(6));
        r.Skip(2);
        var m = new PortMod
        {
            Xid = h.Xid,
            PortNo = port,
            HwAddr = mac,
            Config = (PortConfig)r.ReadUInt32(),
            Mask = (PortConfig)r.ReadUInt32(),
            Advertise = (PortFeatures)r.ReadUInt32(),
        };
        r.Skip(4);
        r.ExpectEnd("PORT_MOD");
        return m;
    }
}
