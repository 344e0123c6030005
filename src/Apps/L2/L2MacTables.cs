using OpenFlow;

namespace Apps.L2;

/// <summary>
/// The learning switch's state: one MAC-to-port table per datapath. Owned by the caller and
/// passed to <see cref="L2LearningSwitch.HandlePacketIn"/>; safe to share between sessions.
/// </summary>
public sealed class L2MacTables
{
    private readonly Dictionary<ulong, Dictionary<MacAddress, MacEntry>> _tables = [];
    private readonly Lock _lock = new();

    public int Count(ulong datapathId)
    {
        lock (_lock)
        {
            return _tables.TryGetValue(datapathId, out var t) ? t.Count : 0;
        }
    }

    public bool TryGet(ulong datapathId, MacAddress mac, out MacEntry entry)
    {
        lock (_lock)
        {
            entry = default;
            return _tables.TryGetValue(datapathId, out var t) && t.TryGetValue(mac, out entry);
        }
    }

    /// <summary>Records <paramref name="mac"/> at <paramref name="port"/>; returns the previous entry if any.</summary>
    public MacEntry? Learn(ulong datapathId, MacAddress mac, uint port, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_tables.TryGetValue(datapathId, out var t))
            {
                t = [];
                _tables[datapathId] = t;
            }

            MacEntry? previous = t.TryGetValue(mac, out var e) ? e : null;
            t[mac] = new MacEntry(port, now);
            return previous;
        }
    }

    /// <summary>Forgets one switch (it disconnected).</summary>
    public void Forget(ulong datapathId)
    {
        lock (_lock)
        {
            _tables.Remove(datapathId);
        }
    }

    /// <summary>Forgets MACs learned on a port (it went down).</summary>
    public void ForgetPort(ulong datapathId, uint port)
    {
        lock (_lock)
        {
            if (_tables.TryGetValue(datapathId, out var t))
            {
                foreach (var mac in t.Where(kv => kv.Value.Port == port).Select(kv => kv.Key).ToList())
                {
                    t.Remove(mac);
                }
            }
        }
    }
}
