namespace Flotilla.Storage;

/// <summary>
/// The durability seam between the shared store engine and a backend. The engine's writer loop is the only
/// caller, one batch at a time, so implementations need no locking.
/// </summary>
internal interface IWriteJournal : IDisposable
{
    /// <summary>
    /// Persists every change of one batch atomically, together with <paramref name="revision"/> (the store
    /// revision after the batch, which is also the last change's revision). Returns only once the batch is
    /// durable; throws if it was not persisted, in which case nothing of the batch may be.
    /// </summary>
    void Commit(IReadOnlyList<Change> changes, long revision);
}
