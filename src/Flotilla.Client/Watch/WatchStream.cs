using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;

namespace Flotilla.Client.Watch;

/// <summary>
/// Splits a watch response body into newline-delimited frames and decodes each with <see cref="WatchFrame"/>.
/// Frames are sliced from the pipe's buffers (copied only when one spans two buffers); no text is decoded
/// to strings on the way. The stream ends when the server ends the response; an ERROR event is thrown.
/// </summary>
internal static class WatchStream
{
    /// <summary>No single event may be larger; kube-apiserver objects stay under ~1.5 MiB (etcd's limit).</summary>
    public const int MaxFrameBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<WatchEvent<T>> ReadAsync<T>(
        Stream body, JsonTypeInfo<T> typeInfo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(minimumReadSize: 16 * 1024));
        try
        {
            while (true)
            {
                var (result, cut) = await ReadAsync(reader, cancellationToken).ConfigureAwait(false);
                if (cut)
                {
                    yield break;
                }
                var buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    if (frame.Length > 0)
                    {
                        yield return Decode(frame, typeInfo);
                    }
                }
                if (buffer.Length > MaxFrameBytes)
                {
                    throw new InvalidDataException($"a watch event exceeded {MaxFrameBytes} bytes without a newline; the server is not sending a watch stream");
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    // A partial last frame means the stream was cut; the caller resumes from what it has seen.
                    yield break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task<(ReadResult Result, bool Cut)> ReadAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return (await reader.ReadAsync(cancellationToken).ConfigureAwait(false), false);
        }
        catch (HttpIOException e) when (e.HttpRequestError == HttpRequestError.ResponseEnded)
        {
            // The server went away mid-stream. Like client-go on an unexpected EOF, the watch simply ends, and the
            // caller re-watches from the last resourceVersion it saw.
            return (default, true);
        }
    }

    private static WatchEvent<T> Decode<T>(ReadOnlySequence<byte> frame, JsonTypeInfo<T> typeInfo) =>
        frame.IsSingleSegment ? WatchFrame.Decode(frame.FirstSpan, typeInfo) : WatchFrame.Decode(frame.ToArray(), typeInfo);

    /// <summary>Takes the next line off <paramref name="buffer"/>, trimmed of whitespace (blank lines come back empty).</summary>
    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            frame = default;
            return false;
        }
        frame = Trim(buffer.Slice(0, end));
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    private static ReadOnlySequence<byte> Trim(ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(line);
        var leading = reader.AdvancePastAny((byte)' ', (byte)'\t', (byte)'\r');
        line = line.Slice(leading);
        // Trailing whitespace is only ever "\r" from a CRLF-speaking proxy.
        while (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] is (byte)'\r' or (byte)' ' or (byte)'\t')
        {
            line = line.Slice(0, line.Length - 1);
        }
        return line;
    }
}
