namespace Controller.Store;

/// <summary>
/// One change of a write: <paramref name="Document"/> replaces (or creates) the document <paramref name="Id"/>
/// of <paramref name="Collection"/>, or deletes it when null. A write commits its mutations all or none.
/// </summary>
internal sealed record StoreMutation(StoreCollection Collection, string Id, object? Document)
{
    public bool IsDelete => Document is null;
}
