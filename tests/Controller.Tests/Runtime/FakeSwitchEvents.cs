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
    public void PacketIn(ISwitchConnection connection, PacketIn packetIn, ICollection<OfpMessage> sent)
    {
        var output = new CollectingOutput(sent);
        (PacketInHandler ?? throw new InvalidOperationException("no PACKET_IN handler"))
            .OnPacketIn(connection, PacketInView.Of(packetIn), output);
        output.Complete();
    }

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

    /// <summary>Collects the answers as messages; reserved bytes are decoded once filled (on the next write or at the end).</summary>
    private sealed class CollectingOutput(ICollection<OfpMessage> sent) : IPacketOutput
    {
        private byte[]? _reserved;
        private uint _xid;

        public void Write(OfpMessage message)
        {
            Complete();
            sent.Add(message);
        }

        public Span<byte> Reserve(OpenFlow.Protocol.OfpType type, int length, out uint xid)
        {
            Complete();
            _reserved = new byte[length];
            xid = ++_xid;
            return _reserved;
        }

        public void Complete()
        {
            if (_reserved is { } bytes)
            {
                _reserved = null;
                sent.Add(OpenFlow.Wire.MessageCodec.Decode(bytes));
            }
        }
    }
}
