using System.Net.Sockets;
using System.Text.Json;
using Ovsdb.Data;
using Ovsdb.Operations;

namespace Ovsdb.Rpc;

public sealed partial class OvsdbConnection
{
    private async Task ReadLoopAsync()
    {
        var framer = new JsonStreamFramer(_options.MaxMessageBytes, _options.MaxDepth);
        if (!await IsReadyAsync().ConfigureAwait(false))
        {
            return;
        }

        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var memory = framer.GetMemory(16 * 1024);
                int read = await _stream.ReadAsync(memory, _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    Close();
                    return;
                }

                Volatile.Write(ref _lastReceiveTimestamp, _time.GetTimestamp());
                framer.Advance(read);
                while (framer.TryReadMessage(out var message))
                {
                    using (message)
                    {
                        await DispatchAsync(message.RootElement).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OvsdbProtocolException ex)
        {
            LogProtocolError(_logger, _remote, ex.Message);
            Close(ex);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closed by us.
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            if (!IsClosed)
            {
                Close(new IOException($"OVSDB connection to {_remote} failed: {ex.Message}", ex));
            }
        }
    }

    private async ValueTask DispatchAsync(JsonElement message)
    {
        bool hasMethod = message.TryGetProperty("method", out var method);
        message.TryGetProperty("id", out var id);
        if (hasMethod)
        {
            if (method.ValueKind != JsonValueKind.String)
            {
                throw new OvsdbProtocolException("\"method\" is not a string");
            }

            var parameters = message.TryGetProperty("params", out var p) ? p : default;
            await HandleRequestAsync(method.GetString()!, parameters, id).ConfigureAwait(false);
            return;
        }

        if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out long requestId))
        {
            // Replies to our keep-alive echo carry the id "echo"; any message already proved liveness.
            if (id.ValueKind == JsonValueKind.String && id.GetString() == "echo")
            {
                return;
            }

            LogUnmatchedReply(_logger, _remote, id.ValueKind == JsonValueKind.Undefined ? "(none)" : OvsdbAtom.Truncate(id.GetRawText()));
            return;
        }

        if (!_pending.TryRemove(requestId, out var pending))
        {
            // A reply to a request that timed out or was cancelled.
            LogUnmatchedReply(_logger, _remote, requestId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        if (message.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            var e = OvsdbError.TryParse(error) ?? new OvsdbError(OvsdbAtom.Truncate(error.GetRawText()), null);
            pending.Completion.TrySetException(new OvsdbRpcException(pending.Method, e));
            return;
        }

        pending.Completion.TrySetResult(message.TryGetProperty("result", out var result) ? result.Clone() : default);
    }

    private async ValueTask HandleRequestAsync(string method, JsonElement parameters, JsonElement id)
    {
        switch (method)
        {
            case "echo":
                // Answer with the same params (RFC 7047 4.1.11); ovsdb-server drops us after a missed one.
                var echoId = id.ValueKind == JsonValueKind.Undefined ? default : id.Clone();
                var echoParams = parameters.ValueKind == JsonValueKind.Undefined ? default : parameters.Clone();
                try
                {
                    await WriteMessageAsync(w =>
                    {
                        w.WriteStartObject();
                        w.WritePropertyName("result");
                        if (echoParams.ValueKind == JsonValueKind.Undefined)
                        {
                            w.WriteStartArray();
                            w.WriteEndArray();
                        }
                        else
                        {
                            echoParams.WriteTo(w);
                        }

                        w.WriteNull("error");
                        w.WritePropertyName("id");
                        if (echoId.ValueKind == JsonValueKind.Undefined)
                        {
                            w.WriteNullValue();
                        }
                        else
                        {
                            echoId.WriteTo(w);
                        }

                        w.WriteEndObject();
                    }, _closing.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref _echoesAnswered);
                }
                catch (IOException ex)
                {
                    LogWriteFailed(_logger, _remote, ex.Message);
                }

                return;

            case "update":
                if (parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() != 2)
                {
                    throw new OvsdbProtocolException("update notification params must be [monitor-id, table-updates]");
                }

                string monitorId = parameters[0].ValueKind == JsonValueKind.String ? parameters[0].GetString()! : parameters[0].GetRawText();
                TableUpdates updates;
                try
                {
                    updates = TableUpdates.Parse(parameters[1], _monitorSchemas.TryGetValue(monitorId, out var s) ? s : null);
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException)
                {
                    throw new OvsdbProtocolException($"update notification cannot be read: {ex.Message}", ex);
                }

                if (!_updates.Writer.TryWrite(new MonitorUpdate(monitorId, updates)))
                {
                    throw new OvsdbProtocolException($"monitor update queue full ({_options.UpdateQueueCapacity}); consumer too slow");
                }

                return;

            default:
                // "locked", "stolen", and anything newer: not used by this client.
                LogIgnoredMethod(_logger, _remote, method);
                return;
        }
    }

    private async Task ProbeLoopAsync()
    {
        var probe = _options.InactivityProbe;
        var tick = probe / 2 > TimeSpan.FromMilliseconds(50) ? probe / 2 : TimeSpan.FromMilliseconds(50);
        bool echoSent = false;
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                await Task.Delay(tick, _time, _closing.Token).ConfigureAwait(false);
                var idle = _time.GetElapsedTime(Volatile.Read(ref _lastReceiveTimestamp));
                if (idle < probe)
                {
                    echoSent = false;
                    continue;
                }

                if (idle >= probe * 2 && echoSent)
                {
                    LogPeerDead(_logger, _remote, (long)idle.TotalMilliseconds);
                    Close(new TimeoutException($"no message from {_remote} for {(long)idle.TotalMilliseconds} ms; echo unanswered"));
                    return;
                }

                if (!echoSent)
                {
                    echoSent = true;
                    await WriteMessageAsync(static w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("method", "echo");
                        w.WriteStartArray("params");
                        w.WriteEndArray();
                        w.WriteString("id", "echo");
                        w.WriteEndObject();
                    }, _closing.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closed.
        }
        catch (IOException)
        {
            // The read loop reports why.
        }
    }
}
