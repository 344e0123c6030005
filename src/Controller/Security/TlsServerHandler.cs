using System.Buffers;
using System.Net.Security;
using DotNetty.Buffers;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace Controller.Security;

/// <summary>
/// TLS for one accepted DotNetty channel, first in its pipeline, around .NET's <see cref="SslStream"/>
/// (OpenSSL on Linux) instead of DotNetty's TlsHandler: TlsHandler 0.7.6 stalls when application bytes
/// arrive in the same TCP read as the end of the handshake (TLS 1.3 clients send their first message
/// right behind Finished), and OpenFlow switches do exactly that.
/// <para>
/// The handlers behind it see a plain byte channel: <c>ChannelActive</c> only once the peer's certificate
/// was accepted (so nothing is sent before), then decrypted bytes as <c>ChannelRead</c>/<c>ChannelReadComplete</c>
/// on the channel's event loop. Their writes are staged until flush and encrypted in records of up to
/// 16 KiB on the event loop (SslStream writes never block: its inner stream is <see cref="ChannelPipeStream"/>).
/// Decryption runs on the thread pool with at most <see cref="MaxChunksInFlight"/> chunks handed to the loop
/// and not yet consumed, so the loop's queue is bounded. A peer that fails the handshake (no certificate,
/// one from another CA, plaintext, garbage, too slow) is closed and reported to <see cref="TlsRefusals"/>.
/// </para>
/// </summary>
internal sealed class TlsServerHandler : ChannelDuplexHandler
{
    private const int RecordBytes = 16 * 1024;
    private const int ReadBytes = 64 * 1024;
    private const int MaxChunksInFlight = 4;

    private readonly TlsCredentials _credentials;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TlsRefusals _refusals;
    private readonly Action<IChannelPipeline> _onReady;
    private readonly List<IByteBuffer> _staged = [];
    private readonly SemaphoreSlim _inFlight = new(MaxChunksInFlight, MaxChunksInFlight);
    private ChannelPipeStream? _pipe;
    private SslStream? _ssl;
    private byte[]? _record;
    private TaskCompletionSource? _batch;
    private bool _ready;
    private bool _closed;
    private bool _decryptedInRead;

    /// <param name="onReady">Called on the event loop after the handshake, before <c>ChannelActive</c> goes on (adds timers that must not run during the handshake).</param>
    public TlsServerHandler(TlsCredentials credentials, TimeSpan handshakeTimeout, TlsRefusals refusals, Action<IChannelPipeline> onReady)
    {
        _credentials = credentials;
        _handshakeTimeout = handshakeTimeout;
        _refusals = refusals;
        _onReady = onReady;
    }

    public override void ChannelActive(IChannelHandlerContext context)
    {
        _pipe = new ChannelPipeStream(context);
        _ssl = new SslStream(_pipe, leaveInnerStreamOpen: true);
        _ = HandshakeAsync(context, _ssl);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is IByteBuffer buffer && _pipe is { } pipe)
        {
            pipe.Feed(buffer);
        }
        else
        {
            ReferenceCountUtil.Release(message);
        }
    }

    public override void ChannelReadComplete(IChannelHandlerContext context)
    {
        // Bytes decrypted inline during this read get one ReadComplete, so the handlers behind flush once per
        // socket read (one SslStream.Write for all their answers); those decrypted off the loop bring their own.
        if (_decryptedInRead)
        {
            _decryptedInRead = false;
            context.FireChannelReadComplete();
        }
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        _closed = true;
        _pipe?.Complete();
        ReleaseStaged(new ClosedChannelException());
        if (_ready)
        {
            context.FireChannelInactive();
        }
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        if (_ready)
        {
            context.FireExceptionCaught(exception);
        }
        else
        {
            _ = context.CloseAsync();
        }
    }

    /// <summary>Stages a write; every write staged before one flush shares one task, completed once encrypted.</summary>
    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer buffer)
        {
            ReferenceCountUtil.Release(message);
            return Task.FromException(new ArgumentException("Only byte buffers can be encrypted.", nameof(message)));
        }

        if (_closed)
        {
            buffer.Release();
            return Task.FromException(new ClosedChannelException());
        }

        _staged.Add(buffer);
        _batch ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _batch.Task;
    }

    public override void Flush(IChannelHandlerContext context)
    {
        if (!_ready || _staged.Count == 0 || _ssl is not { } ssl)
        {
            return;
        }

        _record ??= new byte[RecordBytes];
        int used = 0;
        try
        {
            foreach (var buffer in _staged)
            {
                while (buffer.IsReadable())
                {
                    int n = Math.Min(buffer.ReadableBytes, RecordBytes - used);
                    buffer.ReadBytes(_record, used, n);
                    used += n;
                    if (used == RecordBytes)
                    {
                        ssl.Write(_record, 0, used);
                        used = 0;
                    }
                }
            }

            if (used > 0)
            {
                ssl.Write(_record, 0, used);
            }

            foreach (var buffer in _staged)
            {
                buffer.Release();
            }

            _staged.Clear();
            _batch?.TrySetResult();
            _batch = null;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            ReleaseStaged(ex);
            _ = context.CloseAsync();
        }
    }

    private void ReleaseStaged(Exception reason)
    {
        foreach (var buffer in _staged)
        {
            buffer.Release();
        }

        _staged.Clear();
        _batch?.TrySetException(reason);
        _batch = null;
    }

    private async Task HandshakeAsync(IChannelHandlerContext context, SslStream ssl)
    {
        string remote = context.Channel.RemoteAddress?.ToString() ?? "?";
        string? refusal = null;
        var options = _credentials.ServerOptions(reason => refusal = reason);
        using var timeout = new CancellationTokenSource(_handshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            string reason = refusal
                ?? (timeout.IsCancellationRequested ? $"no TLS handshake within {_handshakeTimeout.TotalSeconds:0.###} s" : $"TLS handshake failed: {ex.Message}");
            _refusals.Refused(TlsRefusals.OpenFlow, remote, reason);
            ssl.Dispose();
            _ = context.CloseAsync();
            return;
        }

        context.Executor.Execute(() =>
        {
            if (_closed)
            {
                return;
            }

            _ready = true;
            _pipe!.InlineReads = true;
            _onReady(context.Channel.Pipeline);
            context.FireChannelActive();
            Flush(context);
        });
        await ReadLoopAsync(context, ssl).ConfigureAwait(false);
    }

    private async Task ReadLoopAsync(IChannelHandlerContext context, SslStream ssl)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ReadBytes);
        try
        {
            while (true)
            {
                int n = await ssl.ReadAsync(chunk.AsMemory(0, ReadBytes)).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                if (context.Executor.InEventLoop)
                {
                    // Completed inline by ChannelPipeStream.Feed, inside this channel's ChannelRead.
                    if (_closed)
                    {
                        break;
                    }

                    var inline = context.Allocator.Buffer(n);
                    inline.WriteBytes(chunk, 0, n);
                    _decryptedInRead = true;
                    context.FireChannelRead(inline);
                    continue;
                }

                await _inFlight.WaitAsync().ConfigureAwait(false);
                var plain = context.Allocator.Buffer(n);
                plain.WriteBytes(chunk, 0, n);
                context.Executor.Execute(() =>
                {
                    _inFlight.Release();
                    if (_closed)
                    {
                        plain.Release();
                        return;
                    }

                    context.FireChannelRead(plain);
                    context.FireChannelReadComplete();
                });
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
        {
            // The peer closed or sent a bad record: the channel closes below.
        }
        catch (DotNetty.Common.Concurrency.RejectedExecutionException)
        {
            // The event loop is shutting down.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            _ = context.CloseAsync();
            ssl.Dispose();
        }
    }
}
