namespace Controller.Store;

/// <summary>
/// A write in the making: it reads the state the write started from plus its own pending changes, and records
/// each change as a <see cref="StoreMutation"/>. Nothing reaches the backend or the published state until the
/// store commits the whole list.
/// </summary>
internal sealed class StoreTransaction(StoreState basis)
{
    private readonly List<StoreMutation> _mutations = [];

    public StoreState Basis { get; } = basis;

    /// <summary>The basis with this write's changes so far.</summary>
    public StoreState State { get; private set; } = basis;

    public IReadOnlyList<StoreMutation> Mutations => _mutations;

    public void Put(StoreCollection collection, string id, object document) => Add(new StoreMutation(collection, id, document));

    public void Delete(StoreCollection collection, string id) => Add(new StoreMutation(collection, id, null));

    private void Add(StoreMutation m)
    {
        // One mutation per key: a later change of the same document replaces the earlier one.
        _mutations.RemoveAll(x => x.Collection == m.Collection && x.Id == m.Id);
        _mutations.Add(m);
        State = State.Apply(m);
    }
}
