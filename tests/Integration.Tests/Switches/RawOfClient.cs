using System.Buffers.Binary;
using System.Net.Sockets;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Wire;

namespace Integration.Tests.Switches;

/// <summary>A raw TCP client speaking (or abusing) OpenFlow against the server under test.</summary>
internal sealed class RawOfClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawOfClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawOfClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        return new RawOfClient(tcp);
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public Task SendAsync(OfpMessage m) => SendAsync(MessageCodec.Encode(m));

    /// <summary>Reads one whole message; null on EOF or timeout.</summary>
    public async Task<OfpMessage?> ReadAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var header = new byte[8];
            await _stream.ReadExactlyAsync(header, cts.Token).ConfigureAwait(false);
            var len = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
            var frame = new byte[len];
            header.CopyTo(frame, 0);
            await _stream.ReadExactlyAsync(frame.AsMemory(8), cts.Token).ConfigureAwait(false);
            return MessageCodec.Decode(frame);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    public async Task<T> ReadAsync<T>(TimeSpan? timeout = null)
        where T : OfpMessage
    {
        var m = await ReadAsync(timeout ?? TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        Assert.That(m, Is.InstanceOf<T>());
        return (T)m!;
    }

    /// <summary>True when the server closes the connection within <paramref name="timeout"/> (messages before EOF are skipped).</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buf = new byte[4096];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buf, cts.Token).ConfigureAwait(false) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Plays a switch through the whole handshake, answering echoes on the way.</summary>
    public async Task HandshakeAsync(ulong dpid, params Port[] ports)
    {
        await ReadAsync<Hello>().ConfigureAwait(false);
        await SendAsync(Hello.ForOpenFlow13(1)).ConfigureAwait(false);
        while (true)
        {
            var m = await ReadAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            switch (m)
            {
                case FeaturesRequest fr:
                    await SendAsync(new FeaturesReply { Xid = fr.Xid, DatapathId = new DatapathId(dpid), NTables = 254 }).ConfigureAwait(false);
                    break;
                case MultipartRequest mp:
                    await SendAsync(new MultipartReply { Xid = mp.Xid, Body = new PortDescReply { Ports = [.. ports] } }).ConfigureAwait(false);
                    break;
                case EchoRequest e:
                    await SendAsync(new EchoReply { Xid = e.Xid, Data = e.Data }).ConfigureAwait(false);
                    break;
                case RoleRequest rr:
                    await SendAsync(new RoleReply { Xid = rr.Xid, Role = rr.Role, GenerationId = rr.GenerationId }).ConfigureAwait(false);
                    return;
                case SetConfig:
                    break;
                default:
                    Assert.Fail($"unexpected {m?.GetType().Name ?? "EOF"} during handshake");
                    return;
            }
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
