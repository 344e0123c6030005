using OpenFlow;

namespace Controller.Switches;

/// <summary>The connected, ready switches (one connection per datapath id).</summary>
public interface ISwitchRegistry
{
    IReadOnlyList<ISwitchConnection> Connections { get; }

    ISwitchConnection? Find(DatapathId datapathId);
}
