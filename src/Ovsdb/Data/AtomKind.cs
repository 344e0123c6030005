namespace Ovsdb.Data;

/// <summary>RFC 7047 section 5.1 atomic types, plus the named-uuid that only a transaction may carry.</summary>
public enum AtomKind
{
    Integer,
    Real,
    Boolean,
    String,
    Uuid,
    NamedUuid,
}
