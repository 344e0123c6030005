namespace OfBench;

/// <summary>
/// The PACKET_INs one switch has sent and not yet seen answered, oldest first. Sequence numbers are
/// consecutive, so a sequence number is its own index. Not thread-safe: the owning switch serialises
/// access.
/// </summary>
internal sealed class InFlightRing
{
    private readonly int _mask;
    private readonly int[] _src;
    private readonly int[] _dst;
    private readonly long[] _sentAt;
    private readonly bool[] _handled;
    private long _tail;
    private long _head;

    public InFlightRing(int capacity)
    {
        var size = 1;
        while (size < capacity)
        {
            size <<= 1;
        }

        _mask = size - 1;
        _src = new int[size];
        _dst = new int[size];
        _sentAt = new long[size];
        _handled = new bool[size];
    }

    /// <summary>The sequence number the next PACKET_IN gets.</summary>
    public long Head => _head;

    /// <summary>Slots in use: from the oldest unanswered PACKET_IN to the newest.</summary>
    public int Count => (int)(_head - _tail);

    public int Capacity => _mask + 1;

    public long OldestSentAt => _tail < _head ? _sentAt[_tail & _mask] : long.MaxValue;

    public long Add(int src, int dst, long now)
    {
        var i = (int)(_head & _mask);
        _src[i] = src;
        _dst[i] = dst;
        _sentAt[i] = now;
        _handled[i] = false;
        return _head++;
    }

    /// <summary>Marks the PACKET_IN whose sequence number ends in <paramref name="seq32"/> answered,
    /// unless it was already (a FLOW_MOD then a PACKET_OUT answer one packet once).</summary>
    public bool TryMarkBySeq(uint seq32, out long sentAt)
    {
        sentAt = 0;
        var delta = (uint)_head - seq32;
        if (delta == 0 || delta > (uint)Count)
        {
            return false;
        }

        return TryMark(_head - delta, out sentAt);
    }

    /// <summary>Marks the oldest unanswered PACKET_IN with this source and destination MAC index
    /// answered; -1 matches any index.</summary>
    public bool TryMarkByMacs(int src, int dst, out long sentAt)
    {
        for (var s = _tail; s < _head; s++)
        {
            var i = (int)(s & _mask);
            if (!_handled[i] && (src == -1 || src == _src[i]) && (dst == -1 || dst == _dst[i]))
            {
                return TryMark(s, out sentAt);
            }
        }

        sentAt = 0;
        return false;
    }

    /// <summary>Gives up on PACKET_INs sent before <paramref name="cutoff"/>; returns how many were unanswered.</summary>
    public int ExpireSentBefore(long cutoff)
    {
        var lost = 0;
        while (_tail < _head)
        {
            var i = (int)(_tail & _mask);
            if (!_handled[i])
            {
                if (_sentAt[i] >= cutoff)
                {
                    break;
                }

                lost++;
            }

            _tail++;
        }

        return lost;
    }

    private bool TryMark(long seq, out long sentAt)
    {
        var i = (int)(seq & _mask);
        sentAt = _sentAt[i];
        if (_handled[i])
        {
            return false;
        }

        _handled[i] = true;
        while (_tail < _head && _handled[(int)(_tail & _mask)])
        {
            _tail++;
        }

        return true;
    }
}
