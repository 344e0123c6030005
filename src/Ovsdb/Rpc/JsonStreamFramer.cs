using System.Text.Json;

namespace Ovsdb.Rpc;

/// <summary>
/// Cuts the undelimited byte stream of RFC 7047 (JSON-RPC 1.0: one JSON object after another, no length
/// prefix, no newline required) into complete top-level objects.
/// </summary>
/// <remarks>
/// A <see cref="Utf8JsonReader"/> runs over the buffered bytes with <c>isFinalBlock: false</c>; its state
/// is kept between reads, so every byte is tokenized once however the message is split. A message ends at
/// the <c>}</c> that brings the depth back to zero. StreamJsonRpc was considered and not used: its
/// handlers frame by Content-Length headers or newlines, and ovsdb-server sends neither.
/// The buffer never holds more than <see cref="MaxMessageBytes"/> plus one read of a message that is still
/// incomplete; past that the stream is refused, as is anything that is not JSON or nests deeper than
/// the depth cap.
/// </remarks>
public sealed class JsonStreamFramer
{
    private readonly JsonReaderOptions _options;
    private byte[] _buffer;
    private int _start;   // first byte of the message being framed
    private int _scanned; // bytes before this offset have been tokenized
    private int _end;     // end of valid data
    private bool _inMessage;
    private JsonReaderState _state;

    public JsonStreamFramer(int maxMessageBytes = 16 * 1024 * 1024, int maxDepth = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        MaxMessageBytes = maxMessageBytes;
        _options = new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow };
        _buffer = new byte[Math.Min(maxMessageBytes, 16 * 1024)];
        _state = new JsonReaderState(_options);
    }

    public int MaxMessageBytes { get; }

    /// <summary>Bytes held for the message that is not complete yet.</summary>
    public int Buffered => _end - _start;

    /// <summary>Space to read into; call <see cref="Advance"/> with the count read.</summary>
    public Memory<byte> GetMemory(int sizeHint = 8192)
    {
        if (_buffer.Length - _end < sizeHint)
        {
            Compact();
            if (_buffer.Length - _end < sizeHint)
            {
                int wanted = Math.Max(_buffer.Length * 2, _end + sizeHint);
                Array.Resize(ref _buffer, wanted);
            }
        }

        return _buffer.AsMemory(_end);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _end)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _end += count;
    }

    /// <summary>Appends bytes (tests and callers that already hold a span).</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetMemory(data.Length).Span);
        Advance(data.Length);
    }

    /// <summary>
    /// Returns the next complete message, or false when more bytes are needed.
    /// </summary>
    /// <exception cref="OvsdbProtocolException">The stream is not valid JSON-RPC framing; give up on it.</exception>
    public bool TryReadMessage(out JsonDocument message)
    {
        message = null!;
        if (_scanned >= _end)
        {
            CheckSize();
            return false;
        }

        var reader = new Utf8JsonReader(_buffer.AsSpan(_scanned, _end - _scanned), isFinalBlock: false, _state);
        try
        {
            while (reader.Read())
            {
                if (!_inMessage)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new OvsdbProtocolException($"JSON-RPC message must be an object, got {reader.TokenType}");
                    }

                    // Whitespace before the message is not part of it.
                    _start = _scanned + (int)reader.TokenStartIndex;
                    _inMessage = true;
                }
                else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    int messageEnd = _scanned + (int)reader.BytesConsumed;
                    int length = messageEnd - _start;
                    if (length > MaxMessageBytes)
                    {
                        throw Oversize(length);
                    }

                    message = JsonDocument.Parse(_buffer.AsMemory(_start, length).ToArray(), new JsonDocumentOptions { MaxDepth = _options.MaxDepth });
                    _start = _scanned = messageEnd;
                    _inMessage = false;
                    _state = new JsonReaderState(_options);
                    if (_start == _end)
                    {
                        _start = _scanned = _end = 0;
                    }

                    return true;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new OvsdbProtocolException($"malformed JSON at byte {_scanned - _start + ex.BytePositionInLine}: {ex.Message}", ex);
        }

        _scanned += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        if (!_inMessage)
        {
            // Only whitespace so far: drop it.
            _start = _scanned;
        }

        CheckSize();
        return false;
    }

    private void CheckSize()
    {
        if (_end - _start > MaxMessageBytes)
        {
            throw Oversize(_end - _start);
        }
    }

    private OvsdbProtocolException Oversize(int length) =>
        new($"JSON-RPC message exceeds {MaxMessageBytes} bytes ({length} buffered and not complete)");

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _scanned -= _start;
        _end -= _start;
        _start = 0;
    }
}
