using System.Threading.Channels;

namespace Controller.Switches;

/// <summary>One subscriber's queue of <see cref="SwitchEvent"/>s. Dispose to unsubscribe (completes the reader).</summary>
public sealed class SwitchEventSubscription : IDisposable
{
    private readonly Channel<SwitchEvent> _channel = Channel.CreateUnbounded<SwitchEvent>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly Action<SwitchEventSubscription> _remove;
    private readonly int _packetInLimit;
    private long _dropped;

    internal SwitchEventSubscription(string name, int packetInLimit, Action<SwitchEventSubscription> remove)
    {
        Name = name;
        _packetInLimit = packetInLimit;
        _remove = remove;
    }

    public string Name { get; }

    public ChannelReader<SwitchEvent> Reader => _channel.Reader;

    /// <summary>PACKET_IN events dropped because this subscriber fell behind.</summary>
    public long DroppedPacketIns => Interlocked.Read(ref _dropped);

    /// <summary>Queues an event; returns false when a PACKET_IN was dropped for backlog.</summary>
    internal bool Offer(SwitchEvent e)
    {
        if (e is SwitchPacketIn && _channel.Reader.Count >= _packetInLimit)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        _channel.Writer.TryWrite(e);
        return true;
    }

    public void Dispose()
    {
        _remove(this);
        _channel.Writer.TryComplete();
    }
}
