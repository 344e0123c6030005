using OpenFlow.Messages;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Fuzz;

/// <summary>What decoding untrusted bytes did.</summary>
internal enum Outcome
{
    Decoded,
    Rejected,
    WrongException,
    NotStable,
}

internal static class DecodeOutcome
{
    /// <summary>
    /// Decodes; a decoded message must re-encode, and decoding that encoding must give an equal message
    /// (no lossy or inconsistent decode). Anything thrown other than OfpDecodeException is a bug.
    /// </summary>
    public static Outcome Check(byte[] input, byte[] scratch, out Exception? error)
    {
        error = null;
        OfpMessage m;
        try
        {
            m = MessageCodec.Decode(input);
        }
        catch (OfpDecodeException)
        {
            return Outcome.Rejected;
        }
        catch (Exception e)
        {
            error = e;
            return Outcome.WrongException;
        }

        try
        {
            int n;
            try
            {
                n = MessageCodec.Encode(m, scratch);
            }
            catch (OfpEncodeException)
            {
                return Outcome.Decoded;
            }

            var again = MessageCodec.Decode(scratch.AsSpan(0, n));
            if (!again.Equals(m))
            {
                error = new InvalidOperationException($"re-decode differs: {m} vs {again}");
                return Outcome.NotStable;
            }
        }
        catch (Exception e)
        {
            error = e;
            return Outcome.NotStable;
        }

        return Outcome.Decoded;
    }
}
