using System.Threading.Channels;

namespace Controller.Web;

/// <summary>
/// One event-stream client's queue: bounded, and when the client falls behind the oldest event is dropped
/// and counted (every event means "refetch", so the newest ones are the ones worth keeping). Dispose
/// unregisters it and completes the reader.
/// </summary>
internal sealed class LiveEventClient : IDisposable
{
    private readonly Channel<LiveEvent> _channel;
    private readonly Action<LiveEventClient> _remove;
    private long _dropped;

    internal LiveEventClient(int capacity, Action<LiveEventClient> remove, Action onDropped)
    {
        _remove = remove;
        _channel = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
            },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                onDropped();
            });
    }

    public ChannelReader<LiveEvent> Reader => _channel.Reader;

    /// <summary>Events this client lost because its queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(LiveEvent e) => _channel.Writer.TryWrite(e);

    internal void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _remove(this);
        _channel.Writer.TryComplete();
    }
}
