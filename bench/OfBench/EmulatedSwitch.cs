using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OfBench;

/// <summary>
/// One emulated OpenFlow 1.3 switch on one TCP connection. It answers the controller's handshake
/// and housekeeping requests and, once started, sends PACKET_INs and counts the PACKET_INs answered
/// by a FLOW_MOD or PACKET_OUT (each packet once, however many messages answer it).
/// </summary>
/// <remarks>
/// One receive loop per switch does all the work: read a chunk, walk the message headers, append
/// replies and new PACKET_INs to one send buffer, write it. A lock serialises that loop with the
/// round timer's <see cref="KickAsync"/>, which expires unanswered PACKET_INs and refills the window.
/// Nothing is allocated per message on the PACKET_IN path.
/// </remarks>
internal sealed class EmulatedSwitch : IDisposable
{
    private readonly int _index;
    private readonly BenchOptions _options;
    private readonly Socket _socket;
    private readonly BenchTls? _tls;
    private SslStream? _ssl;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly InFlightRing _ring;
    private readonly byte[] _packetIn = SwitchFrames.PacketInTemplate();
    private readonly Random _random;
    private readonly int _window;
    private readonly long _timeoutTicks;
    private readonly Lazy<ImmutableArray<Port>> _ports;
    private byte[] _rx;
    private int _rxStart;
    private int _rxEnd;
    private byte[] _tx;
    private int _txLen;
    private bool _sending;
    private long _handled;
    private long _flowMods;
    private long _packetOuts;
    private long _packetIns;
    private long _lost;
    private long _errors;
    private long _lastControlAt;
    private volatile bool _featuresReplied;
    private volatile bool _closed;

    public EmulatedSwitch(int index, BenchOptions options, BenchTls? tls = null)
    {
        _tls = tls;
        _index = index;
        _options = options;
        _window = options.Mode == BenchMode.Latency ? 1 : options.Window;
        _ring = new InFlightRing(options.Mode == BenchMode.Scale ? 1 : _window);
        _random = new Random(index + 1);
        _timeoutTicks = options.TimeoutMs * Stopwatch.Frequency / 1000;
        _ports = new Lazy<ImmutableArray<Port>>(BuildPorts, LazyThreadSafetyMode.None);
        var bulk = options.Mode != BenchMode.Scale;
        _rx = new byte[bulk ? 256 * 1024 : 4096];
        _tx = new byte[bulk ? 64 * 1024 : 4096];
        _socket = new Socket(options.Controller.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (bulk)
        {
            _socket.ReceiveBufferSize = 1 << 20;
            _socket.SendBufferSize = 1 << 20;
        }
    }

    public ulong DatapathId => _options.DpidBase + (ulong)_index;

    /// <summary>True once the FEATURES_REPLY is sent: the controller knows this switch.</summary>
    public bool FeaturesReplied => _featuresReplied;

    public bool Closed => _closed;

    public string? Failure { get; private set; }

    /// <summary>Stopwatch timestamp of the last handshake-time message other than an echo.</summary>
    public long LastControlAt => Volatile.Read(ref _lastControlAt);

    public LatencySamples Latencies { get; } = new();

    public SwitchCounters Counters => new(
        Volatile.Read(ref _handled), Volatile.Read(ref _flowMods), Volatile.Read(ref _packetOuts),
        Volatile.Read(ref _packetIns), Volatile.Read(ref _lost), Volatile.Read(ref _errors));

    public async Task ConnectAsync(CancellationToken ct)
    {
        await _socket.ConnectAsync(_options.Controller, ct).ConfigureAwait(false);
        if (_tls is not null)
        {
            _ssl = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
            await _ssl.AuthenticateAsClientAsync(_tls.ClientOptions(), ct).ConfigureAwait(false);
        }

        Volatile.Write(ref _lastControlAt, Stopwatch.GetTimestamp());
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            AppendMessage(Hello.ForOpenFlow13());
            await FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Reads and answers until the controller closes the connection or <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                MakeRoom();
                var n = _ssl is null
                    ? await _socket.ReceiveAsync(_rx.AsMemory(_rxEnd), SocketFlags.None, ct).ConfigureAwait(false)
                    : await _ssl.ReadAsync(_rx.AsMemory(_rxEnd), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    Failure ??= "the controller closed the connection";
                    break;
                }

                _rxEnd += n;
                await _lock.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    ProcessReceived();
                    if (_sending)
                    {
                        Fill(Stopwatch.GetTimestamp());
                    }

                    await FlushAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    _lock.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            Failure ??= e.Message;
        }
        catch (InvalidDataException e)
        {
            Failure ??= e.Message;
        }
        catch (ObjectDisposedException)
        {
            // stopping
        }
        finally
        {
            _closed = true;
        }
    }

    /// <summary>Starts or stops sending PACKET_INs.</summary>
    public async Task SetSendingAsync(bool sending, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _sending = sending;
        }
        finally
        {
            _lock.Release();
        }

        await KickAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Gives up on PACKET_INs unanswered for longer than the timeout and refills the window.</summary>
    public async Task KickAsync(CancellationToken ct)
    {
        if (_closed)
        {
            return;
        }

        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = Stopwatch.GetTimestamp();
            if (_ring.OldestSentAt < now - _timeoutTicks)
            {
                Volatile.Write(ref _lost, _lost + _ring.ExpireSentBefore(now - _timeoutTicks));
            }

            if (_sending)
            {
                Fill(now);
            }

            await FlushAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            Failure ??= e.Message;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Closes the connection; the receive loop ends.</summary>
    public void Close() => _socket.Dispose();

    public void Dispose()
    {
        _ssl?.Dispose();
        _socket.Dispose();
        _lock.Dispose();
    }

    private void MakeRoom()
    {
        if (_rxEnd < _rx.Length)
        {
            return;
        }

        if (_rxStart > 0)
        {
            _rx.AsSpan(_rxStart, _rxEnd - _rxStart).CopyTo(_rx);
            _rxEnd -= _rxStart;
            _rxStart = 0;
        }
        else
        {
            Array.Resize(ref _rx, _rx.Length * 2);
        }
    }

    private void ProcessReceived()
    {
        while (_rxEnd - _rxStart >= SwitchFrames.HeaderSize)
        {
            var available = _rx.AsSpan(_rxStart, _rxEnd - _rxStart);
            int length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
            if (length < SwitchFrames.HeaderSize)
            {
                throw new InvalidDataException($"message length {length} is below the 8-byte header");
            }

            if (available.Length < length)
            {
                break;
            }

            Handle(available[..length]);
            _rxStart += length;
        }

        if (_rxStart == _rxEnd)
        {
            _rxStart = _rxEnd = 0;
        }
    }

    private void Handle(ReadOnlySpan<byte> m)
    {
        var type = (OfpType)m[1];
        if (m[0] != SwitchFrames.Version && type != OfpType.Hello)
        {
            // Strict 1.3: say so, as a switch would (BAD_REQUEST / BAD_VERSION).
            Volatile.Write(ref _errors, _errors + 1);
            Failure ??= $"controller sent version 0x{m[0]:x2} (type {m[1]})";
            AppendError(m, ErrorType.BadRequest, (ushort)BadRequestCode.BadVersion);
            return;
        }

        switch (type)
        {
            case OfpType.PacketOut:
                Volatile.Write(ref _packetOuts, _packetOuts + 1);
                if (SwitchFrames.TryPacketOutSeq(m, out var seq) && _ring.TryMarkBySeq(seq, out var sentAt))
                {
                    Answered(sentAt);
                }

                return;
            case OfpType.FlowMod:
                Volatile.Write(ref _flowMods, _flowMods + 1);
                // Only a flow that names one of our MACs answers a packet: a table-miss or
                // clean-up FLOW_MOD does not.
                if (_ring.Count > 0
                    && SwitchFrames.TryFlowModMacs(m, _index, out var src, out var dst)
                    && (src >= 0 || dst >= 0)
                    && _ring.TryMarkByMacs(src, dst, out var flowSentAt))
                {
                    Answered(flowSentAt);
                }

                break;
            case OfpType.EchoRequest:
                AppendBytes(m);
                _tx[_txLen - m.Length + 1] = (byte)OfpType.EchoReply;
                return;
            case OfpType.EchoReply:
                return;
            case OfpType.Hello:
                HandleHello(m);
                break;
            case OfpType.Error:
                Volatile.Write(ref _errors, _errors + 1);
                Failure ??= $"controller sent OFPT_ERROR type {BinaryPrimitives.ReadUInt16BigEndian(m[8..])} code {BinaryPrimitives.ReadUInt16BigEndian(m[10..])}";
                break;
            case OfpType.FeaturesRequest:
                AppendMessage(new FeaturesReply
                {
                    Xid = Xid(m),
                    DatapathId = new OpenFlow.DatapathId(DatapathId),
                    NBuffers = 0,
                    NTables = 254,
                    Capabilities = Capabilities.FlowStats | Capabilities.TableStats | Capabilities.PortStats,
                });
                _featuresReplied = true;
                break;
            case OfpType.GetConfigRequest:
                AppendMessage(new GetConfigReply { Xid = Xid(m), MissSendLen = OfpConstants.ControllerMaxLenNoBuffer });
                break;
            case OfpType.MultipartRequest:
                HandleMultipart(m);
                break;
            case OfpType.BarrierRequest:
                AppendBytes(m[..SwitchFrames.HeaderSize]);
                _tx[_txLen - SwitchFrames.HeaderSize + 1] = (byte)OfpType.BarrierReply;
                BinaryPrimitives.WriteUInt16BigEndian(_tx.AsSpan(_txLen - SwitchFrames.HeaderSize + 2), SwitchFrames.HeaderSize);
                break;
            case OfpType.RoleRequest when m.Length >= 24:
                var role = (ControllerRole)BinaryPrimitives.ReadUInt32BigEndian(m[8..]);
                AppendMessage(new RoleReply
                {
                    Xid = Xid(m),
                    Role = role == ControllerRole.NoChange ? ControllerRole.Equal : role,
                    GenerationId = BinaryPrimitives.ReadUInt64BigEndian(m[16..]),
                });
                break;
            case OfpType.GetAsyncRequest:
                // OVS's defaults: packet-ins for NO_MATCH and ACTION, every port status reason,
                // flow-removed for everything as master/equal.
                AppendMessage(new GetAsyncReply { Xid = Xid(m), Config = new AsyncConfig(0b011, 0, 0b111, 0b111, 0b1111, 0) });
                break;
            case OfpType.SetConfig:
            case OfpType.SetAsync:
            case OfpType.TableMod:
            case OfpType.GroupMod:
            case OfpType.MeterMod:
            case OfpType.PortMod:
                break;
            case OfpType.Experimenter:
                AppendError(m, ErrorType.BadRequest, (ushort)BadRequestCode.BadExperimenter);
                break;
            default:
                AppendError(m, ErrorType.BadRequest, (ushort)BadRequestCode.BadType);
                break;
        }

        if (!_sending)
        {
            Volatile.Write(ref _lastControlAt, Stopwatch.GetTimestamp());
        }
    }

    private void HandleHello(ReadOnlySpan<byte> m)
    {
        // Negotiation: we offer only 1.3, so the controller must offer it too, in its bitmap if it
        // sent one, else by a header version of at least 1.3.
        var ok = m[0] >= SwitchFrames.Version;
        var p = SwitchFrames.HeaderSize;
        while (p + 4 <= m.Length)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(m[p..]);
            var len = BinaryPrimitives.ReadUInt16BigEndian(m[(p + 2)..]);
            if (len < 4 || p + len > m.Length)
            {
                break;
            }

            if (type == Hello.VersionBitmapType && len >= 8)
            {
                ok = (BinaryPrimitives.ReadUInt32BigEndian(m[(p + 4)..]) & (1u << SwitchFrames.Version)) != 0;
            }

            p += (len + 7) & ~7;
        }

        if (!ok)
        {
            Failure ??= $"controller HELLO (version 0x{m[0]:x2}) does not offer OpenFlow 1.3";
            AppendError(m, ErrorType.HelloFailed, (ushort)HelloFailedCode.Incompatible);
        }
    }

    private void HandleMultipart(ReadOnlySpan<byte> m)
    {
        if (m.Length < 16)
        {
            AppendError(m, ErrorType.BadRequest, (ushort)BadRequestCode.BadLen);
            return;
        }

        MultipartReplyBody? body = (MultipartType)BinaryPrimitives.ReadUInt16BigEndian(m[8..]) switch
        {
            MultipartType.Desc => new DescReply
            {
                MfrDesc = "ofbench",
                HwDesc = "OpenFlow 1.3 switch emulator",
                SwDesc = "1.0",
                SerialNum = $"{_index + 1}",
                DpDesc = "emulated",
            },
            MultipartType.Flow => new FlowStatsReply(),
            MultipartType.Aggregate => new AggregateStatsReply(),
            MultipartType.PortDesc => new PortDescReply { Ports = _ports.Value },
            _ => null,
        };
        if (body is null)
        {
            AppendError(m, ErrorType.BadRequest, (ushort)BadRequestCode.BadMultipart);
        }
        else
        {
            AppendMessage(new MultipartReply { Xid = Xid(m), Body = body });
        }
    }

    private ImmutableArray<Port> BuildPorts()
    {
        const PortFeatures Features = PortFeatures.Rate10GbFd | PortFeatures.Copper;
        return [.. Enumerable.Range(1, _options.Ports).Select(p => new Port
        {
            PortNo = (uint)p,
            HwAddr = new OpenFlow.MacAddress(0x02FE_0000_0000UL | ((ulong)_index << 8) | (uint)p),
            Name = $"s{_index + 1}-eth{p}",
            State = PortState.Live,
            Curr = Features,
            Advertised = Features,
            Supported = Features,
            CurrSpeed = 10_000_000,
            MaxSpeed = 10_000_000,
        })];
    }

    private void Answered(long sentAt)
    {
        Volatile.Write(ref _handled, _handled + 1);
        if (_options.Mode == BenchMode.Latency)
        {
            Latencies.Add((Stopwatch.GetTimestamp() - sentAt) * 10_000_000 / Stopwatch.Frequency);
        }
    }

    private void Fill(long now)
    {
        while (_ring.Count < _window)
        {
            AppendPacketIn(now);
        }
    }

    private void AppendPacketIn(long now)
    {
        var macs = _options.Macs;
        var ports = _options.Ports;
        var seq = _ring.Head;
        var src = (int)(seq % macs);

        // Destinations come from the MACs already used as sources, so a learning controller knows
        // where they are and installs a flow; a different port than the source's, so it forwards.
        var learned = (int)Math.Min(seq, macs);
        var dst = learned < 2 ? 1 : _random.Next(learned);
        while (dst % ports == src % ports)
        {
            dst = (dst + 1) % macs;
        }

        EnsureTx(SwitchFrames.PacketInSize);
        var b = _tx.AsSpan(_txLen, SwitchFrames.PacketInSize);
        _packetIn.CopyTo(b);
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], (uint)seq);
        BinaryPrimitives.WriteUInt32BigEndian(b[SwitchFrames.InPortOffset..], (uint)((src % ports) + 1));
        SwitchFrames.WriteMac(b[SwitchFrames.DstMacOffset..], _index, dst);
        SwitchFrames.WriteMac(b[SwitchFrames.SrcMacOffset..], _index, src);
        BinaryPrimitives.WriteUInt32BigEndian(b[(SwitchFrames.FrameOffset + SwitchFrames.MagicInFrame + 4)..], (uint)seq);
        _txLen += SwitchFrames.PacketInSize;
        _ring.Add(src, dst, now);
        Volatile.Write(ref _packetIns, _packetIns + 1);
    }

    private static uint Xid(ReadOnlySpan<byte> m) => BinaryPrimitives.ReadUInt32BigEndian(m[4..]);

    private void AppendMessage(OfpMessage message)
    {
        // Encoding into pooled scratch keeps a scale run's per-switch send buffers small.
        var scratch = ArrayPool<byte>.Shared.Rent(OfpConstants.MaxMessageLength);
        try
        {
            AppendBytes(scratch.AsSpan(0, MessageCodec.Encode(message, scratch)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private void AppendError(ReadOnlySpan<byte> request, ErrorType type, ushort code)
    {
        AppendMessage(ErrorMessage.For(type, code, Xid(request), request));
    }

    private void AppendBytes(ReadOnlySpan<byte> bytes)
    {
        EnsureTx(bytes.Length);
        bytes.CopyTo(_tx.AsSpan(_txLen));
        _txLen += bytes.Length;
    }

    private void EnsureTx(int more)
    {
        if (_txLen + more > _tx.Length)
        {
            Array.Resize(ref _tx, Math.Max(_tx.Length * 2, _txLen + more));
        }
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_ssl is not null)
        {
            await _ssl.WriteAsync(_tx.AsMemory(0, _txLen), ct).ConfigureAwait(false);
            _txLen = 0;
            return;
        }

        var sent = 0;
        while (sent < _txLen)
        {
            sent += await _socket.SendAsync(_tx.AsMemory(sent, _txLen - sent), SocketFlags.None, ct).ConfigureAwait(false);
        }

        _txLen = 0;
    }
}
