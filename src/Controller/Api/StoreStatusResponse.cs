namespace Controller.Api;

/// <summary>Body of <c>GET /api/v1/store</c>: which backend answers, and whether reads may be stale.</summary>
/// <param name="Backend"><c>litedb</c> or <c>etcd</c>.</param>
/// <param name="Location">The LiteDB file, or the etcd endpoints and key prefix.</param>
/// <param name="Stale">True while etcd is unreachable or without quorum: reads answer from this controller's last state, writes answer 503.</param>
/// <param name="Revision">The backend revision reads answer from (etcd: the store's last write revision).</param>
/// <param name="SnapshotVersion">The published snapshot's version (local to this controller).</param>
public sealed record StoreStatusResponse(string Backend, string Location, bool Stale, long Revision, long SnapshotVersion);
