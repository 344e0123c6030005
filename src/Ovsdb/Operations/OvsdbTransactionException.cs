namespace Ovsdb.Operations;

/// <summary>
/// A transaction that ovsdb-server refused. <see cref="OperationIndex"/> is the failing operation (null when
/// the commit itself failed, e.g. a constraint violation reported after the last operation).
/// </summary>
public sealed class OvsdbTransactionException : Exception
{
    public OvsdbTransactionException()
        : this(new OvsdbError("unknown", null), null, null)
    {
    }

    public OvsdbTransactionException(string message)
        : this(new OvsdbError(message, null), null, null)
    {
    }

    public OvsdbTransactionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new OvsdbError(message, null);
    }

    public OvsdbTransactionException(OvsdbError error, int? operationIndex, OvsdbOperation? operation)
        : base(Describe(error, operationIndex, operation))
    {
        Error = error;
        OperationIndex = operationIndex;
        Operation = operation;
    }

    public OvsdbError Error { get; }

    public int? OperationIndex { get; }

    public OvsdbOperation? Operation { get; }

    /// <summary>True when a <c>wait</c> saw other contents than we based the transaction on: recompute and retry.</summary>
    public bool IsWaitFailure => Operation is WaitOperation && Error.Error == "timed out";

    private static string Describe(OvsdbError error, int? index, OvsdbOperation? op) => index is null
        ? $"transaction failed on commit: {error}"
        : $"transaction failed at operation {index} ({op?.Op}{(op is WaitOperation w ? " " + w.Table : string.Empty)}): {error}";
}
