using System.Buffers;
using System.Runtime.InteropServices;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;

namespace Controller.Security;

/// <summary>
/// The ciphertext side of <see cref="TlsServerHandler"/>: the <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/>
/// reads the bytes the channel received from, and writes its records to the channel through. Reads never
/// block a thread: with bytes queued they complete at once, else they wait for <see cref="Feed"/>. Writes keep
/// the order SslStream produced them in, from whatever thread, by queueing and draining on the event loop.
/// Inbound is bounded: above <see cref="HighWater"/> queued bytes the channel stops reading until drained.
/// </summary>
internal sealed class ChannelPipeStream : Stream
{
    private const int HighWater = 1 << 20;
    private const int LowWater = 256 << 10;

    private readonly IChannelHandlerContext _ctx;
    private readonly Lock _lock = new();
    private readonly Queue<IByteBuffer> _inbound = new();
    private readonly Queue<IByteBuffer> _outbound = new();
    private readonly Action _drain;
    private int _queued;
    private bool _completed;
    private bool _paused;
    private TaskCompletionSource<int>? _waiter;
    private Memory<byte> _waiterBuffer;

    public ChannelPipeStream(IChannelHandlerContext ctx)
    {
        _ctx = ctx;
        _drain = DrainOutbound;
    }

    /// <summary>
    /// Once set (on the event loop, after the handshake), a read waiting for bytes is completed inline by
    /// <see cref="Feed"/>: SslStream decrypts on the event loop, within the channel's read, instead of after a hop
    /// to the thread pool and another back. Off during the handshake, whose RSA work stays off the loop.
    /// </summary>
    public bool InlineReads { get; set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Bytes the channel read (on the event loop). Takes ownership of <paramref name="buffer"/>.</summary>
    public void Feed(IByteBuffer buffer)
    {
        TaskCompletionSource<int>? wake = null;
        int handed = 0;
        lock (_lock)
        {
            if (_completed)
            {
                buffer.Release();
                return;
            }

            if (_waiter is not null && buffer.IsReadable())
            {
                handed = Copy(buffer, _waiterBuffer);
                wake = _waiter;
                _waiter = null;
                _waiterBuffer = default;
            }

            if (buffer.IsReadable())
            {
                _inbound.Enqueue(buffer);
                _queued += buffer.ReadableBytes;
                if (_queued > HighWater && !_paused)
                {
                    _paused = true;
                    _ctx.Channel.Configuration.AutoRead = false;
                }
            }
            else
            {
                buffer.Release();
            }
        }

        if (wake is null)
        {
            return;
        }

        if (InlineReads)
        {
            // DotNetty runs its loop under its own TaskScheduler, where awaits never resume inline; completing the
            // read from a task run synchronously on the default scheduler lets SslStream continue right here.
            new Task(() => wake.TrySetResult(handed)).RunSynchronously(TaskScheduler.Default);
        }
        else
        {
            wake.TrySetResult(handed);
        }
    }

    /// <summary>The channel closed: pending and later reads return 0 (end of stream).</summary>
    public void Complete()
    {
        TaskCompletionSource<int>? wake;
        lock (_lock)
        {
            _completed = true;
            wake = _waiter;
            _waiter = null;
            while (_inbound.TryDequeue(out var b))
            {
                b.Release();
            }

            while (_outbound.TryDequeue(out var b))
            {
                b.Release();
            }

            _queued = 0;
        }

        wake?.TrySetResult(0);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0);
        }

        TaskCompletionSource<int> waiter;
        lock (_lock)
        {
            if (_queued > 0)
            {
                int n = 0;
                while (n < buffer.Length && _inbound.TryPeek(out var head))
                {
                    n += Copy(head, buffer[n..]);
                    if (!head.IsReadable())
                    {
                        _inbound.Dequeue().Release();
                    }
                }

                _queued -= n;
                if (_paused && _queued < LowWater)
                {
                    _paused = false;
                    _ctx.Channel.Configuration.AutoRead = true;
                }

                return ValueTask.FromResult(n);
            }

            if (_completed)
            {
                return ValueTask.FromResult(0);
            }

            if (_waiter is not null)
            {
                throw new InvalidOperationException("One read at a time.");
            }

            waiter = new TaskCompletionSource<int>(InlineReads ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = waiter;
            _waiterBuffer = buffer;
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_lock)
                {
                    if (ReferenceEquals(_waiter, waiter))
                    {
                        _waiter = null;
                        _waiterBuffer = default;
                    }
                }

                waiter.TrySetCanceled(cancellationToken);
            });
            _ = waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return new ValueTask<int>(waiter.Task);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count)
    {
        var copy = _ctx.Allocator.Buffer(count);
        copy.WriteBytes(buffer, offset, count);
        Enqueue(copy);
    }

    /// <summary>What SslStream's synchronous <c>Write</c> calls, once per record: copied through a pooled array, not a new one.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(rented);
            Write(rented, 0, buffer.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (MemoryMarshal.TryGetArray(buffer, out var segment))
        {
            Write(segment.Array!, segment.Offset, segment.Count);
        }
        else
        {
            Write(buffer.Span);
        }

        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    private void Enqueue(IByteBuffer copy)
    {
        lock (_lock)
        {
            if (_completed)
            {
                copy.Release();
                return;
            }

            _outbound.Enqueue(copy);
        }

        if (_ctx.Executor.InEventLoop)
        {
            DrainOutbound();
        }
        else
        {
            _ctx.Executor.Execute(_drain);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private static int Copy(IByteBuffer from, Memory<byte> to)
    {
        int n = Math.Min(from.ReadableBytes, to.Length);
        if (MemoryMarshal.TryGetArray<byte>(to, out var segment))
        {
            from.ReadBytes(segment.Array, segment.Offset, n);
        }
        else
        {
            var tmp = new byte[n];
            from.ReadBytes(tmp, 0, n);
            tmp.CopyTo(to.Span);
        }

        return n;
    }

    /// <summary>On the event loop: hands every queued record to the channel, in order, and flushes.</summary>
    private void DrainOutbound()
    {
        bool any = false;
        while (true)
        {
            IByteBuffer? next;
            lock (_lock)
            {
                if (!_outbound.TryDequeue(out next))
                {
                    break;
                }
            }

            _ = _ctx.WriteAsync(next);
            any = true;
        }

        if (any)
        {
            _ctx.Flush();
        }
    }
}
