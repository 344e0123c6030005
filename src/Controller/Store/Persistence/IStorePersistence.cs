namespace Controller.Store.Persistence;

/// <summary>
/// Where the store's documents live. The store keeps the whole state in memory and validates and allocates
/// there; a persistence only loads it, commits a write's mutations atomically, and (when other writers share
/// it) reports their changes.
/// </summary>
internal interface IStorePersistence : IDisposable
{
    /// <summary>"litedb" or "etcd", as in <c>Store:Backend</c>.</summary>
    string Backend { get; }

    /// <summary>Where the data lives (file path, endpoints), for logs and the status endpoint.</summary>
    string Location { get; }

    /// <summary>
    /// True while the local state may be behind the shared one (etcd unreachable or without quorum, or its
    /// watch not running): reads still answer, writes are refused.
    /// </summary>
    bool IsStale { get; }

    /// <summary>Reads every document afresh.</summary>
    StoreState Load();

    /// <summary>
    /// Commits <paramref name="mutations"/> all or none, on the condition that the shared state is still at
    /// <paramref name="basisRevision"/>. Returns the new revision, or a conflict with the revision found.
    /// Throws <see cref="StoreUnavailableException"/> when the backend cannot take writes.
    /// </summary>
    CommitOutcome Commit(long basisRevision, IReadOnlyList<StoreMutation> mutations);

    /// <summary>Starts reporting other writers' changes to <paramref name="sink"/> (a no-op for a private file).</summary>
    void Start(IRemoteChangeSink sink);
}

/// <summary>The result of <see cref="IStorePersistence.Commit"/>.</summary>
internal readonly record struct CommitOutcome(bool Committed, long Revision)
{
    public static CommitOutcome Success(long revision) => new(true, revision);

    public static CommitOutcome Conflict(long currentRevision) => new(false, currentRevision);
}

/// <summary>The store, as a persistence sees it: where changes made by other writers go.</summary>
internal interface IRemoteChangeSink
{
    /// <summary>The revision of the state the store holds.</summary>
    long Revision { get; }

    /// <summary>Applies another writer's committed write (all its mutations, at <paramref name="revision"/>).</summary>
    void ApplyRemote(long revision, IReadOnlyList<StoreMutation> mutations);

    /// <summary>Replaces the whole state (after a reload, e.g. when the watch could not resume).</summary>
    void ReplaceRemote(StoreState state);

    /// <summary>Called when <see cref="IStorePersistence.IsStale"/> changes.</summary>
    void StalenessChanged(bool stale);
}
