using Controller.Switches;
using OpenFlow.Messages;

namespace Controller.Runtime;

/// <summary>
/// The answers to a burst of PACKET_INs, gathered per connection in arrival order so that each switch
/// gets them with a single write and flush. Used by the runtime's event loop only (not thread-safe).
/// </summary>
internal sealed class PacketInAnswers
{
    private readonly Dictionary<ISwitchConnection, List<OfpMessage>> _byConnection = new(ReferenceEqualityComparer.Instance);

    public void Add(ISwitchConnection connection, IReadOnlyList<OfpMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (!_byConnection.TryGetValue(connection, out var list))
        {
            list = [];
            _byConnection[connection] = list;
        }

        list.AddRange(messages);
    }

    /// <summary>Returns everything gathered and starts empty.</summary>
    public IReadOnlyList<(ISwitchConnection Connection, IReadOnlyList<OfpMessage> Messages)> Take()
    {
        if (_byConnection.Count == 0)
        {
            return [];
        }

        var all = _byConnection.Select(kv => (kv.Key, (IReadOnlyList<OfpMessage>)kv.Value)).ToList();
        _byConnection.Clear();
        return all;
    }
}
