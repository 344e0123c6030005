namespace Ovsdb.Rpc;

/// <summary>
/// With <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> (the controller's default with its LiteDB store) a
/// socket operation that had to wait resumes its caller on one of .NET's few epoll threads, which every other
/// socket of the process (the OpenFlow switches among them) also needs. An OVSDB message can be megabytes of JSON
/// to parse and a TLS handshake signs and checks certificates, so the connection leaves that thread after every
/// such wait, whether the operation succeeded or failed, as it would without the variable.
/// </summary>
internal static class SocketThreads
{
    /// <summary>Read once: the runtime itself reads the variable once, when its first socket is registered.</summary>
    public static bool CompletionsInline { get; } =
        Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1";

    /// <summary><paramref name="inner"/> itself when completions are not inline; else a stream that leaves the epoll thread after every read or write that waited.</summary>
    public static Stream OffEpollThreads(Stream inner) => CompletionsInline ? new YieldingStream(inner) : inner;

    /// <summary>Continues on the thread pool, after <paramref name="operation"/>, when it had to wait and completions are inline.</summary>
    public static async ValueTask<T> Leave<T>(ValueTask<T> operation)
    {
        if (!CompletionsInline || operation.IsCompleted)
        {
            return await operation.ConfigureAwait(false);
        }

        try
        {
            return await operation.ConfigureAwait(false);
        }
        finally
        {
            await Task.Yield();
        }
    }

    /// <inheritdoc cref="Leave{T}(ValueTask{T})"/>
    public static async ValueTask Leave(ValueTask operation)
    {
        if (!CompletionsInline || operation.IsCompleted)
        {
            await operation.ConfigureAwait(false);
            return;
        }

        try
        {
            await operation.ConfigureAwait(false);
        }
        finally
        {
            await Task.Yield();
        }
    }

    /// <summary>Passes everything to the socket's stream; async reads and writes that waited continue on the thread pool.</summary>
    private sealed class YieldingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Leave(inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Leave(inner.WriteAsync(buffer, cancellationToken));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
