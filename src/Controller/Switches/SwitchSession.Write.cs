using DotNetty.Transport.Channels;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// The write path and its backpressure: senders wait (bounded by their token) while the channel is
/// above its write high-water mark, and write in chunks of <see cref="ISwitchConnection.SendChunk"/>.
/// </summary>
internal sealed partial class SwitchSession
{
    private TaskCompletionSource? _writable;

    public override void ChannelWritabilityChanged(IChannelHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Channel.IsWritable)
        {
            Interlocked.Exchange(ref _writable, null)?.TrySetResult();
        }

        base.ChannelWritabilityChanged(context);
    }

    private void WriteAndClose(IChannelHandlerContext ctx, OfpMessage m)
    {
        _phase = Phase.Closed;
        _handshakeTimer?.Cancel();
        Count(m);
        ctx.WriteAndFlushAsync(m).ContinueWith(
            static (_, state) => ((IChannelHandlerContext)state!).CloseAsync(),
            ctx,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private Task Write(IChannelHandlerContext ctx, OfpMessage m)
    {
        if (!MayWrite(m))
        {
            return Task.CompletedTask;
        }

        Count(m);
        return ctx.WriteAsync(m);
    }

    private void Count(OfpMessage m)
    {
        Counters.CountOut(m.Type);
        _metrics.MessageOut(m.Type);
    }

    public Task SendAsync(OfpMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendAsync([message], cancellationToken);
    }

    public async Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var channel = ActiveChannel();
        EnsureMayWrite(messages);
        Task last = Task.CompletedTask;
        for (var i = 0; i < messages.Count; i++)
        {
            if (i % ISwitchConnection.SendChunk == 0)
            {
                if (i > 0)
                {
                    channel.Flush();
                }

                await WaitWritableAsync(channel, cancellationToken).ConfigureAwait(false);
            }

            var m = messages[i];
            if (m.Xid == 0)
            {
                m = m with { Xid = NextXid() };
            }

            Count(m);
            last = channel.WriteAsync(m);
        }

        channel.Flush();
        await Disconnectable(last).ConfigureAwait(false);
    }

    private IChannel ActiveChannel()
    {
        var channel = _channel;
        if (channel is null || !channel.Active || _phase == Phase.Closed)
        {
            throw new SwitchDisconnectedException($"switch {DatapathId} is not connected");
        }

        return channel;
    }

    private Task WaitWritableAsync(IChannel channel, CancellationToken cancellationToken)
    {
        if (channel.IsWritable)
        {
            return Task.CompletedTask;
        }

        var tcs = Volatile.Read(ref _writable);
        if (tcs is null)
        {
            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tcs = Interlocked.CompareExchange(ref _writable, fresh, null) ?? fresh;
        }

        // Writability may have come back between the check and the registration.
        if (channel.IsWritable)
        {
            Interlocked.Exchange(ref _writable, null)?.TrySetResult();
        }

        if (!channel.Active)
        {
            throw new SwitchDisconnectedException($"switch {DatapathId} is not connected");
        }

        return tcs.Task.WaitAsync(cancellationToken);
    }

    private async Task Disconnectable(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception e) when (e is DotNetty.Transport.Channels.ClosedChannelException or IOException)
        {
            throw new SwitchDisconnectedException($"switch {DatapathId} disconnected while sending", e);
        }
    }
}
