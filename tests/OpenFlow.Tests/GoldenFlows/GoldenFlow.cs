namespace OpenFlow.Tests.GoldenFlows;

/// <summary>One entry of flows.txt: the ovs-ofctl command, the flow text, OVS's own print and the FLOW_MOD bytes.</summary>
public sealed record GoldenFlow(string Name, string Command, string Flow, string OvsText, string Hex)
{
    public byte[] Bytes => Convert.FromHexString(Hex);

    public override string ToString() => Name;
}
