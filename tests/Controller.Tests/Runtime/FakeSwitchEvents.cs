using Controller.Switches;
using OpenFlow.Messages;

namespace Controller.Tests.Runtime;

/// <summary>An <see cref="ISwitchEvents"/> whose events the test publishes by hand.</summary>
internal sealed class FakeSwitchEvents : ISwitchEvents
{
    private readonly List<SwitchEventSubscription> _subscribers = [];

    public int Subscribers
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Count;
            }
        }
    }

    public SwitchEventSubscription Subscribe(string name)
    {
        var sub = new SwitchEventSubscription(name, 1000, s =>
        {
            lock (_subscribers)
            {
                _subscribers.Remove(s);
            }
        });
        lock (_subscribers)
        {
            _subscribers.Add(sub);
        }

        return sub;
    }

    public IPacketInHandler? PacketInHandler { get; private set; }

    public IDisposable HandlePacketIns(IPacketInHandler handler)
    {
        PacketInHandler = handler;
        return new Unset(this);
    }

    /// <summary>Delivers a PACKET_IN the way a session does (handler call on "the loop"); answers go to <paramref name="sent"/>.</summary>
    public void PacketIn(ISwitchConnection connection, PacketIn packetIn, ICollection<OfpMessage> sent) =>
        (PacketInHandler ?? throw new InvalidOperationException("no PACKET_IN handler"))
            .OnPacketIn(connection, packetIn, new CollectingOutput(sent));

    public void Publish(SwitchEvent e)
    {
        lock (_subscribers)
        {
            foreach (var s in _subscribers)
            {
                s.Offer(e);
            }
        }
    }

    private sealed class Unset(FakeSwitchEvents events) : IDisposable
    {
        public void Dispose() => events.PacketInHandler = null;
    }

    private sealed class CollectingOutput(ICollection<OfpMessage> sent) : IPacketOutput
    {
        public void Write(OfpMessage message) => sent.Add(message);
    }
}
