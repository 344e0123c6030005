namespace Controller.Store;

/// <summary>Every segment id 1..16777215 is taken (REST: 409).</summary>
public sealed class SegmentPoolExhaustedException : StoreConflictException
{
    public SegmentPoolExhaustedException()
        : base($"No free segment id: all of 1..{TenantStore.MaxSegmentId} are in use.", "segmentId")
    {
    }
}
