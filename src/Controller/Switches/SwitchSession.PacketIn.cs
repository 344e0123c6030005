using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace Controller.Switches;

/// <summary>
/// PACKET_IN on the event loop: the handler's answers are gathered in one buffer per read burst and
/// written with its flush; a burst's budget (OpenFlow:PacketInBurstLimit) and the write high-water
/// mark bound what one sender can cost.
/// </summary>
internal sealed partial class SwitchSession
{
    /// <summary>The answers of one read burst are gathered in one buffer and written with the flush.</summary>
    private const int AnswersInitialBytes = 4096;

    /// <summary>Bounds one burst's gathered answers; beyond it PACKET_INs are dropped and counted.</summary>
    private const int AnswersMaxBytes = 1 << 20;

    private int _packetInsThisBurst;
    private IByteBuffer? _answers;

    public override void ChannelReadComplete(IChannelHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _packetInsThisBurst = 0;
        if (_answers is { } answers)
        {
            _answers = null;
            _ = context.WriteAsync(answers);
        }

        context.Flush();
    }

    /// <summary>
    /// Answers the PACKET_IN right here on the switch's event loop. It is dropped (counted) when the
    /// switch does not read our answers (the channel is above its write high-water mark) or when this
    /// read burst already used its budget, so neither the outbound buffer nor the loop's time grows
    /// with the sender's rate.
    /// </summary>
    private void OnPacketIn(PacketIn pi)
    {
        var handler = _registry.PacketInHandler;
        if (handler is null)
        {
            _registry.Publish(new SwitchPacketIn(DatapathId, this, pi));
            return;
        }

        HandlePacketIn(handler, PacketInView.Of(pi));
    }

    /// <summary>
    /// A PACKET_IN the decoder passed on undecoded (<see cref="OfpMessageDecoder.WithRawPacketIns"/>):
    /// read in place when ready and a handler is registered; otherwise decoded the ordinary way, so
    /// that the handshake, the registry's subscribers and the error paths see what they always did.
    /// </summary>
    private void OnRawPacketIn(IChannelHandlerContext ctx, IByteBuffer frame)
    {
        var handler = _registry.PacketInHandler;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> bytes;
            if (frame.HasArray)
            {
                bytes = new ReadOnlySpan<byte>(frame.Array, frame.ArrayOffset + frame.ReaderIndex, frame.ReadableBytes);
            }
            else
            {
                rented = System.Buffers.ArrayPool<byte>.Shared.Rent(frame.ReadableBytes);
                frame.GetBytes(frame.ReaderIndex, rented, 0, frame.ReadableBytes);
                bytes = rented.AsSpan(0, frame.ReadableBytes);
            }

            if (handler is null || _phase != Phase.Ready || !PacketInView.TryReadInPortOnly(bytes, out var view))
            {
                OnMessage(ctx, MessageCodec.Decode(bytes));
                return;
            }

            Counters.CountIn(OfpType.PacketIn);
            _metrics.MessageIn(OfpType.PacketIn);
            HandlePacketIn(handler, view);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void HandlePacketIn(IPacketInHandler handler, in PacketInView packetIn)
    {
        if (_channel is not { IsWritable: true } || ++_packetInsThisBurst > _options.PacketInBurstLimit)
        {
            Counters.CountPacketInDropped();
            _metrics.Error(OpenFlowErrorKind.PacketInDropped);
            return;
        }

        try
        {
            handler.OnPacketIn(this, packetIn, this);
        }
#pragma warning disable CA1031 // A handler failure on one packet must not close the switch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Counters.CountError();
            if (MayLog())
            {
                LogPacketInFailed(_logger, _scope.DatapathId, ex);
            }
        }
    }

    void IPacketOutput.Write(OfpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_context is not { } ctx)
        {
            return;
        }

        if (message.Xid == 0)
        {
            message = message with { Xid = NextXid() };
        }

        _ = Write(ctx, message);
    }

    Span<byte> IPacketOutput.Reserve(OfpType type, int length, out uint xid)
    {
        xid = 0;
        if (_context is not { } ctx || !MayWrite(type))
        {
            return [];
        }

        var answers = _answers ??= ctx.Allocator.HeapBuffer(AnswersInitialBytes);
        if (answers.WriterIndex + length > AnswersMaxBytes)
        {
            Counters.CountPacketInDropped();
            _metrics.Error(OpenFlowErrorKind.PacketInDropped);
            return [];
        }

        answers.EnsureWritable(length);
        var at = answers.WriterIndex;
        answers.SetWriterIndex(at + length);
        xid = NextXid();
        Counters.CountOut(type);
        _metrics.MessageOut(type);
        return new Span<byte>(answers.Array, answers.ArrayOffset + at, length);
    }
}
