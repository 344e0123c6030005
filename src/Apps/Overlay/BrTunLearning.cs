using OpenFlow.Nicira;

namespace Apps.Overlay;

/// <summary>The learn action of br-tun's table 10: what the pipeline learns from a frame that came in over a tunnel.</summary>
public static class BrTunLearning
{
    /// <summary>
    /// <c>learn(table=T,priority=P,hard_timeout=H,cookie=C,NXM_OF_VLAN_TCI[0..11],
    /// NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0-&gt;NXM_OF_VLAN_TCI[],
    /// load:NXM_NX_TUN_ID[]-&gt;NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[])</c>: a unicast flow back to the sender
    /// (same local VLAN, destination = the learned source MAC) that strips the VLAN, keeps the tunnel key and
    /// leaves by the tunnel port the frame arrived on. Byte-identical to what ovs-ofctl 3.1 encodes.
    /// </summary>
    public static NxLearn ReturnPath(byte table, ushort priority, ushort hardTimeout, ulong cookie) => new()
    {
        TableId = table,
        Priority = priority,
        HardTimeout = hardTimeout,
        Cookie = cookie,
        Specs =
        [
            NxLearnSpec.MatchField(NxmHeader.NxmOfVlanTci, 0, 12),
            NxLearnSpec.MatchField(NxmHeader.NxmOfEthDst, NxmHeader.NxmOfEthSrc),
            NxLearnSpec.LoadValue(0, NxmHeader.NxmOfVlanTci),
            NxLearnSpec.LoadField(NxmHeader.NxmNxTunId, NxmHeader.NxmNxTunId),
            NxLearnSpec.OutputField(NxmHeader.OxmOfInPort),
        ],
    };
}
