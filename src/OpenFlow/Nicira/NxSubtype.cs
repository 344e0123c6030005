namespace OpenFlow.Nicira;

/// <summary>Nicira action subtypes (<c>enum nx_action_subtype</c>) this library decodes.</summary>
public enum NxSubtype : ushort
{
    Resubmit = 1,
    RegMove = 6,
    RegLoad = 7,
    Note = 8,
    ResubmitTable = 14,
    Learn = 16,
}
