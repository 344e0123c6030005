using OpenFlow;

namespace Apps.Flows;

/// <summary>One port of a switch as PORT_DESC/PORT_STATUS report it.</summary>
public sealed record SwitchPort(uint Number, string Name, MacAddress HwAddress);
