using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>
/// OFPMP_TABLE_FEATURES request: empty to read the features, or a full list of tables to set them.
/// </summary>
public sealed record TableFeaturesRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.TableFeatures;

    public ImmutableArray<TableFeatures> Tables { get; init; } = [];

    public override void Write(ref OfpWriter w) => TableFeatures.WriteList(ref w, Tables);

    internal static TableFeaturesRequest Read(ref OfpReader r) => new() { Tables = TableFeatures.ReadList(ref r) };

    public bool Equals(TableFeaturesRequest? other) => other is not null && EntryList.Equal(Tables, other.Tables);

    public override int GetHashCode() => EntryList.Hash(Tables);
}

/// <summary>OFPMP_TABLE_FEATURES reply: one <see cref="TableFeatures"/> per table (spread over several replies).</summary>
public sealed record TableFeaturesReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.TableFeatures;

    public ImmutableArray<TableFeatures> Tables { get; init; } = [];

    public override void Write(ref OfpWriter w) => TableFeatures.WriteList(ref w, Tables);

    internal static TableFeaturesReply Read(ref OfpReader r) => new() { Tables = TableFeatures.ReadList(ref r) };

    public bool Equals(TableFeaturesReply? other) => other is not null && EntryList.Equal(Tables, other.Tables);

    public override int GetHashCode() => EntryList.Hash(Tables);
}

/// <summary>One table's features (<c>struct ofp_table_features</c>).</summary>
/// <remarks>
/// <code>
/// length(2) | table_id(1) | pad(5) | name(32) | metadata_match(8) | metadata_write(8) | config(4)
/// | max_entries(4)   = 64 bytes | properties (each type(2) | length(2) | body, padded to 8)...
/// </code>
/// </remarks>
public sealed record TableFeatures
{
    public const int HeaderSize = 64;
    public const int NameLength = 32;

    public byte TableId { get; init; }

    public string Name { get; init; } = string.Empty;

    public ulong MetadataMatch { get; init; }

    public ulong MetadataWrite { get; init; }

    public uint Config { get; init; }

    public uint MaxEntries { get; init; }

    public ImmutableArray<TableFeatureProperty> Properties { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        var len = w.ReserveUInt16();
        w.WriteUInt8(TableId);
        w.WriteZeros(5);
        FixedString.Write(ref w, Name, NameLength);
        w.WriteUInt64(MetadataMatch);
        w.WriteUInt64(MetadataWrite);
        w.WriteUInt32(Config);
        w.WriteUInt32(MaxEntries);
        foreach (var p in Properties)
        {
            p.Write(ref w);
        }

        w.PatchLength(len, start);
    }

    internal static void WriteList(ref OfpWriter w, ImmutableArray<TableFeatures> tables)
    {
        foreach (var t in tables)
        {
            t.Write(ref w);
        }
    }

    internal static ImmutableArray<TableFeatures> ReadList(ref OfpReader r) =>
        EntryList.ReadLengthPrefixed(ref r, 0, HeaderSize, Read, "table features",
            ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadLen);

    internal static TableFeatures Read(ref OfpReader r)
    {
        r.Skip(2);
        var table = r.ReadUInt8();
        r.Skip(5);
        var t = new TableFeatures
        {
            TableId = table,
            Name = r.ReadFixedString(NameLength),
            MetadataMatch = r.ReadUInt64(),
            MetadataWrite = r.ReadUInt64(),
            Config = r.ReadUInt32(),
            MaxEntries = r.ReadUInt32(),
        };
        var props = ImmutableArray.CreateBuilder<TableFeatureProperty>();
        while (!r.IsEmpty)
        {
            props.Add(TableFeatureProperty.Read(ref r));
        }

        return t with { Properties = props.ToImmutable() };
    }

    public bool Equals(TableFeatures? other) =>
        other is not null && TableId == other.TableId && Name == other.Name && MetadataMatch == other.MetadataMatch
        && MetadataWrite == other.MetadataWrite && Config == other.Config && MaxEntries == other.MaxEntries
        && EntryList.Equal(Properties, other.Properties);

    public override int GetHashCode() => HashCode.Combine(TableId, Name, MaxEntries, EntryList.Hash(Properties));
}

/// <summary><c>enum ofp_table_feature_prop_type</c>.</summary>
public enum TableFeaturePropType : ushort
{
    Instructions = 0,
    InstructionsMiss = 1,
    NextTables = 2,
    NextTablesMiss = 3,
    WriteActions = 4,
    WriteActionsMiss = 5,
    ApplyActions = 6,
    ApplyActionsMiss = 7,
    Match = 8,
    Wildcards = 10,
    WriteSetfield = 12,
    WriteSetfieldMiss = 13,
    ApplySetfield = 14,
    ApplySetfieldMiss = 15,
    Experimenter = 0xfffe,
    ExperimenterMiss = 0xffff,
}

/// <summary>
/// An instruction or action id inside a table feature property: type(2) | len(2) | data (experimenter
/// id and whatever else the switch put there), kept verbatim.
/// </summary>
public readonly record struct FeatureId(ushort Type, Octets Data)
{
    public int WireLength => 4 + Data.Length;
}

/// <summary>An OXM id: the 32-bit OXM header, plus the experimenter id for class 0xffff.</summary>
public readonly record struct OxmId(uint Header, uint Experimenter = 0)
{
    public bool IsExperimenter => (Header >> 16) == 0xffff;

    public ushort Class => (ushort)(Header >> 16);

    public byte Field => (byte)((Header >> 9) & 0x7f);

    public bool HasMask => (Header & 0x100) != 0;
}

/// <summary>
/// A table feature property (<c>struct ofp_table_feature_prop_header</c>): type(2) | length(2) | body,
/// where length excludes the padding to 8. A length below 4 or past its table is TABLE_FEATURES_FAILED/BAD_LEN.
/// </summary>
public abstract record TableFeatureProperty
{
    public TableFeaturePropType PropertyType { get; init; }

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt16((ushort)PropertyType);
        var len = w.ReserveUInt16();
        WriteBody(ref w);
        w.PatchLength(len, start);
        w.Pad8(start);
    }

    protected abstract void WriteBody(ref OfpWriter w);

    internal static TableFeatureProperty Read(ref OfpReader r)
    {
        var at = r.Offset;
        var type = (TableFeaturePropType)r.PeekUInt16();
        var len = r.PeekTlvLength(2, 4, ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadLen);
        var padded = (len + 7) / 8 * 8;
        if (padded > r.Remaining)
        {
            throw new OfpDecodeException(ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadLen, at, "table feature property padding overruns its table");
        }

        var p = r.Slice(len);
        p.Skip(4);
        TableFeatureProperty prop = type switch
        {
            TableFeaturePropType.Instructions or TableFeaturePropType.InstructionsMiss => new InstructionIdsProperty { Ids = ReadIds(ref p) },
            TableFeaturePropType.NextTables or TableFeaturePropType.NextTablesMiss => new NextTablesProperty { TableIds = [.. p.ReadBytes(p.Remaining)] },
            TableFeaturePropType.WriteActions or TableFeaturePropType.WriteActionsMiss
                or TableFeaturePropType.ApplyActions or TableFeaturePropType.ApplyActionsMiss => new ActionIdsProperty { Ids = ReadIds(ref p) },
            TableFeaturePropType.Match or TableFeaturePropType.Wildcards
                or TableFeaturePropType.WriteSetfield or TableFeaturePropType.WriteSetfieldMiss
                or TableFeaturePropType.ApplySetfield or TableFeaturePropType.ApplySetfieldMiss => new OxmIdsProperty { Ids = ReadOxmIds(ref p) },
            TableFeaturePropType.Experimenter or TableFeaturePropType.ExperimenterMiss => new ExperimenterTableProperty
            {
                Experimenter = p.ReadUInt32(),
                ExpType = p.ReadUInt32(),
                Data = Octets.CopyOf(p.ReadBytes(p.Remaining)),
            },
            _ => throw new OfpDecodeException(ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadType, at, $"unknown table feature property {(ushort)type}"),
        };
        p.ExpectEnd("table feature property");
        r.Skip(padded - len);
        return prop with { PropertyType = type };
    }

    private static ImmutableArray<FeatureId> ReadIds(ref OfpReader p)
    {
        var ids = ImmutableArray.CreateBuilder<FeatureId>();
        while (!p.IsEmpty)
        {
            var type = p.PeekUInt16();
            var len = p.PeekTlvLength(2, 4, ErrorType.TableFeaturesFailed, (ushort)TableFeaturesFailedCode.BadLen);
            var s = p.Slice(len);
            s.Skip(4);
            ids.Add(new FeatureId(type, Octets.CopyOf(s.Rest)));
        }

        return ids.ToImmutable();
    }

    private static ImmutableArray<OxmId> ReadOxmIds(ref OfpReader p)
    {
        var ids = ImmutableArray.CreateBuilder<OxmId>();
        while (!p.IsEmpty)
        {
            var header = p.ReadUInt32();
            ids.Add((header >> 16) == 0xffff ? new OxmId(header, p.ReadUInt32()) : new OxmId(header));
        }

        return ids.ToImmutable();
    }

    protected static void WriteIds(ref OfpWriter w, ImmutableArray<FeatureId> ids)
    {
        foreach (var id in ids)
        {
            w.WriteUInt16(id.Type);
            w.WriteUInt16((ushort)id.WireLength);
            w.WriteBytes(id.Data.Span);
        }
    }
}

/// <summary>OFPTFPT_INSTRUCTIONS(_MISS): the instruction types the table supports.</summary>
public sealed record InstructionIdsProperty : TableFeatureProperty
{
    public ImmutableArray<FeatureId> Ids { get; init; } = [];

    protected override void WriteBody(ref OfpWriter w) => WriteIds(ref w, Ids);

    public bool Equals(InstructionIdsProperty? other) =>
        other is not null && PropertyType == other.PropertyType && EntryList.Equal(Ids, other.Ids);

    public override int GetHashCode() => HashCode.Combine(PropertyType, EntryList.Hash(Ids));
}

/// <summary>OFPTFPT_WRITE_ACTIONS(_MISS) / APPLY_ACTIONS(_MISS): the action types the table supports.</summary>
public sealed record ActionIdsProperty : TableFeatureProperty
{
    public ImmutableArray<FeatureId> Ids { get; init; } = [];

    protected override void WriteBody(ref OfpWriter w) => WriteIds(ref w, Ids);

    public bool Equals(ActionIdsProperty? other) =>
        other is not null && PropertyType == other.PropertyType && EntryList.Equal(Ids, other.Ids);

    public override int GetHashCode() => HashCode.Combine(PropertyType, EntryList.Hash(Ids));
}

/// <summary>OFPTFPT_NEXT_TABLES(_MISS): table ids reachable by goto_table.</summary>
public sealed record NextTablesProperty : TableFeatureProperty
{
    public ImmutableArray<byte> TableIds { get; init; } = [];

    protected override void WriteBody(ref OfpWriter w)
    {
        if (!TableIds.IsDefaultOrEmpty)
        {
            w.WriteBytes(TableIds.AsSpan());
        }
    }

    public bool Equals(NextTablesProperty? other) =>
        other is not null && PropertyType == other.PropertyType && EntryList.Equal(TableIds, other.TableIds);

    public override int GetHashCode() => HashCode.Combine(PropertyType, EntryList.Hash(TableIds));
}

/// <summary>OFPTFPT_MATCH, WILDCARDS, WRITE_SETFIELD(_MISS), APPLY_SETFIELD(_MISS): lists of OXM ids.</summary>
public sealed record OxmIdsProperty : TableFeatureProperty
{
    public ImmutableArray<OxmId> Ids { get; init; } = [];

    protected override void WriteBody(ref OfpWriter w)
    {
        foreach (var id in Ids)
        {
            w.WriteUInt32(id.Header);
            if (id.IsExperimenter)
            {
                w.WriteUInt32(id.Experimenter);
            }
        }
    }

    public bool Equals(OxmIdsProperty? other) =>
        other is not null && PropertyType == other.PropertyType && EntryList.Equal(Ids, other.Ids);

    public override int GetHashCode() => HashCode.Combine(PropertyType, EntryList.Hash(Ids));
}

/// <summary>OFPTFPT_EXPERIMENTER(_MISS): experimenter(4) | exp_type(4) | data...</summary>
public sealed record ExperimenterTableProperty : TableFeatureProperty
{
    public uint Experimenter { get; init; }

    public uint ExpType { get; init; }

    public Octets Data { get; init; }

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt32(Experimenter);
        w.WriteUInt32(ExpType);
        w.WriteBytes(Data.Span);
    }
}
