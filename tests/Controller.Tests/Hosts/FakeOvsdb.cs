using System.Collections.Immutable;
using System.Text.Json;
using Ovsdb.Data;
using Ovsdb.Operations;
using Ovsdb.Replication;
using Ovsdb.Schema;

namespace Controller.Tests.Hosts;

/// <summary>
/// A tiny in-memory OVSDB for planner tests: holds rows, applies transactions (insert with uuid-name,
/// update, mutate insert/delete, delete, and wait checked as ovsdb-server does with timeout 0), and
/// hands out a <see cref="ReplicaSnapshot"/>. Not garbage-collecting: unreferenced ports stay, which the
/// planner never sees because it walks from Open_vSwitch.bridges.
/// </summary>
internal sealed class FakeOvsdb
{
    // The vswitch columns the reconciler uses, with their real types.
    public const string SchemaJson = """
        {"name":"Open_vSwitch","version":"8.3.1","tables":{
         "Open_vSwitch":{"isRoot":true,"maxRows":1,"columns":{
           "bridges":{"type":{"key":{"type":"uuid","refTable":"Bridge"},"min":0,"max":"unlimited"}},
           "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}},
         "Bridge":{"isRoot":true,"columns":{
           "name":{"type":"string","mutable":false},
           "ports":{"type":{"key":{"type":"uuid","refTable":"Port"},"min":0,"max":"unlimited"}},
           "fail_mode":{"type":{"key":{"type":"string","enum":["set",["secure","standalone"]]},"min":0,"max":1}},
           "protocols":{"type":{"key":"string","min":0,"max":"unlimited"}},
           "controller":{"type":{"key":{"type":"uuid","refTable":"Controller"},"min":0,"max":"unlimited"}},
           "datapath_type":{"type":"string"},
           "datapath_id":{"type":{"key":"string","min":0,"max":1}},
           "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}},
         "Port":{"columns":{
           "name":{"type":"string","mutable":false},
           "interfaces":{"type":{"key":{"type":"uuid","refTable":"Interface"},"min":1,"max":"unlimited"}},
           "tag":{"type":{"key":{"type":"integer","minInteger":0,"maxInteger":4095},"min":0,"max":1}},
           "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}},
         "Interface":{"columns":{
           "name":{"type":"string","mutable":false},
           "type":{"type":"string"},
           "options":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}},
           "ofport":{"type":{"key":"integer","min":0,"max":1}},
           "mtu_request":{"type":{"key":{"type":"integer","minInteger":1},"min":0,"max":1}},
           "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}},
         "Controller":{"columns":{
           "target":{"type":"string"},
           "max_backoff":{"type":{"key":{"type":"integer","minInteger":1000},"min":0,"max":1}},
           "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}}}}
        """;

    private readonly Dictionary<string, Dictionary<Guid, ImmutableDictionary<string, OvsdbDatum>>> _tables = [];

    public FakeOvsdb(DatabaseSchema? schema = null)
    {
        if (schema is null)
        {
            using var doc = JsonDocument.Parse(SchemaJson);
            schema = DatabaseSchema.Parse(doc.RootElement);
        }

        Schema = schema;
        foreach (var t in Schema.Tables.Keys)
        {
            _tables[t] = [];
        }

        Insert("Open_vSwitch", new Dictionary<string, OvsdbDatum>());
    }

    public DatabaseSchema Schema { get; }

    public int Transactions { get; private set; }

    public Guid Root => _tables["Open_vSwitch"].Keys.Single();

    public ReplicaSnapshot Snapshot => new(_tables.ToImmutableDictionary(
        t => t.Key,
        t => t.Value.ToImmutableDictionary(r => r.Key, r => new OvsdbRow(r.Key, r.Value))));

    public Guid Insert(string table, IReadOnlyDictionary<string, OvsdbDatum> row)
    {
        var uuid = Guid.NewGuid();
        var full = Schema.Table(table).Columns.Values.ToImmutableDictionary(c => c.Name, c => c.Type.Default).SetItems(row);
        _tables[table][uuid] = full;
        return uuid;
    }

    public void Set(string table, Guid uuid, string column, OvsdbDatum value) => _tables[table][uuid] = _tables[table][uuid].SetItem(column, value);

    /// <summary>Removes a row (what ovsdb-server's garbage collection does to a port no bridge references).</summary>
    public void Remove(string table, Guid uuid) => _tables[table].Remove(uuid);

    public OvsdbRow Row(string table, Guid uuid) => new(uuid, _tables[table][uuid]);

    public IEnumerable<OvsdbRow> Rows(string table) => _tables[table].Select(r => new OvsdbRow(r.Key, r.Value));

    public OvsdbRow? Find(string table, string name) => Rows(table).FirstOrDefault(r => r.GetString("name") == name);

    /// <summary>Applies a transaction atomically; throws like ovsdb-server when a wait fails.</summary>
    public void Transact(IReadOnlyList<OvsdbOperation> ops)
    {
        Transactions++;
        var saved = _tables.ToDictionary(t => t.Key, t => new Dictionary<Guid, ImmutableDictionary<string, OvsdbDatum>>(t.Value));
        var named = new Dictionary<string, Guid>(StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < ops.Count; i++)
            {
                Apply(ops[i], i, named);
            }
        }
        catch
        {
            foreach (var (k, v) in saved)
            {
                _tables[k] = v;
            }

            throw;
        }
    }

    private void Apply(OvsdbOperation op, int index, Dictionary<string, Guid> named)
    {
        switch (op)
        {
            case CommentOperation:
                return;
            case InsertOperation ins:
                var uuid = Insert(ins.Table, ins.Row.ToDictionary(kv => kv.Key, kv => Resolve(kv.Value, named)));
                if (ins.UuidName is not null)
                {
                    named[ins.UuidName] = uuid;
                }

                return;
            case UpdateOperation up:
                foreach (var id in Select(up.Table, up.Where, named))
                {
                    foreach (var (c, v) in up.Row)
                    {
                        Set(up.Table, id, c, Resolve(v, named));
                    }
                }

                return;
            case MutateOperation mu:
                foreach (var id in Select(mu.Table, mu.Where, named))
                {
                    foreach (var m in mu.Mutations)
                    {
                        var cur = _tables[mu.Table][id][m.Column];
                        var v = Resolve(m.Value, named);
                        Set(mu.Table, id, m.Column, m.Mutator switch
                        {
                            "insert" when cur.IsMap || v.IsMap => OvsdbDatum.Map(cur.Pairs.Concat(v.Pairs.Where(p => !cur.TryGetValue(p.Key, out _)))),
                            "insert" => OvsdbDatum.Set(cur.Keys.Concat(v.Keys)),
                            "delete" when cur.IsMap => OvsdbDatum.Map(cur.Pairs.Where(p => !(v.IsMap ? v.TryGetValue(p.Key, out var dv) && dv == p.Value : v.Contains(p.Key)))),
                            "delete" => OvsdbDatum.Set(cur.Keys.Where(k => !v.Contains(k))),
                            _ => throw new NotSupportedException(m.Mutator),
                        });
                    }
                }

                return;
            case DeleteOperation del:
                foreach (var id in Select(del.Table, del.Where, named).ToList())
                {
                    _tables[del.Table].Remove(id);
                }

                return;
            case WaitOperation w:
                var actual = Select(w.Table, w.Where, named).Select(id => w.Columns.ToDictionary(c => c, c => _tables[w.Table][id][c])).ToList();
                bool equal = actual.Count == w.Rows.Length && actual.All(a => w.Rows.Any(r => w.Columns.All(c => r[c] == a[c])));
                if (equal != w.UntilEqual)
                {
                    throw new OvsdbTransactionException(new OvsdbError("timed out", "\"wait\" timed out"), index, w);
                }

                return;
            default:
                throw new NotSupportedException(op.Op);
        }
    }

    private IEnumerable<Guid> Select(string table, ImmutableArray<Condition> where, Dictionary<string, Guid> named) =>
        _tables[table].Where(r => where.All(c =>
        {
            var have = c.Column == "_uuid" ? OvsdbDatum.Atom(OvsdbAtom.Uuid(r.Key)) : r.Value[c.Column];
            var want = Resolve(c.Value, named);
            return c.Function switch
            {
                "==" => have == want,
                "!=" => have != want,
                _ => throw new NotSupportedException(c.Function),
            };
        })).Select(r => r.Key).ToList();

    private static OvsdbDatum Resolve(OvsdbDatum d, Dictionary<string, Guid> named)
    {
        OvsdbAtom R(OvsdbAtom a) => a.Kind == AtomKind.NamedUuid ? OvsdbAtom.Uuid(named[a.AsString]) : a;
        return d.IsMap ? OvsdbDatum.Map(d.Pairs.Select(p => KeyValuePair.Create(R(p.Key), R(p.Value)))) : OvsdbDatum.Set(d.Keys.Select(R));
    }
}
