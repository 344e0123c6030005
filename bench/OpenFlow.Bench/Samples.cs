using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Wire;

namespace OpenFlow.Bench;

/// <summary>The messages measured: the controller's hot paths.</summary>
public static class Samples
{
    /// <summary>
    /// The FLOW_MOD of <c>ovs-ofctl -O OpenFlow13 -mmmmm parse-flow "table=10,priority=1,actions=learn(table=20,
    /// hard_timeout=300,priority=1,cookie=0x1,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],
    /// load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1"</c>
    /// (OVS 3.1); the learn action decodes as a raw experimenter action.
    /// </summary>
    public const string LearnFlowModHex =
        "040e00b000000001000000000000000000000000000000000a00000000000001ffffffffffffffffffffffff00000000" +
        "00010004000000000004007800000000ffff00600000232000100000012c000100000000000000010000140000000000" +
        "000c000008020000000008020000003000000406000000000206000028100000000008020000084000012008000000012008" +
        "000010208000000400000000000000000010000000010000000000000000";

    /// <summary>br-tun table 21 (flood to tunnels): vlan_vid=100 -> pop_vlan, set tun_id, output to 3 tunnel ports.</summary>
    public static FlowMod BrTunFloodFlowMod() => new()
    {
        Xid = 7,
        Cookie = Cookie.ForApp(1, 21),
        TableId = 21,
        Priority = 1,
        Match = new Match(Oxm.VlanVid(VlanVid.Tagged(100))),
        Instructions =
        [
            new ApplyActions(
                new PopVlanAction(),
                new SetFieldAction(Oxm.TunnelId(0x64)),
                new OutputAction(2),
                new OutputAction(3),
                new OutputAction(4)),
        ],
    };

    public static FlowMod LearnFlowMod() => (FlowMod)MessageCodec.Decode(Convert.FromHexString(LearnFlowModHex));

    /// <summary>A table-miss PACKET_IN from br-tun port 1 with a 64-byte frame, as OVS sends it.</summary>
    public static byte[] PacketIn64()
    {
        var frame = new byte[64];
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (byte)(i * 13);
        }

        var pi = new PacketIn
        {
            Xid = 0,
            TotalLen = 64,
            Reason = PacketInReason.NoMatch,
            TableId = 0,
            Cookie = new Cookie(0),
            Match = new Match(Oxm.InPort(1)),
            Data = frame,
        };
        return MessageCodec.Encode(pi);
    }
}
