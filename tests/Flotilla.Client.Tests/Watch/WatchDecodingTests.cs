using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Tests.Support;
using Flotilla.Client.Watch;

namespace Flotilla.Client.Tests.Watch;

/// <summary>Frame splitting and decoding of watch streams, fed byte by byte where it matters.</summary>
public sealed class WatchDecodingTests
{
    private const string Added = """{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"11"},"data":{"k":"v"}}}""";
    private const string Modified = """{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"12"},"data":{"k":"w"}}}""";
    private const string Bookmark = """{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"15"}}}""";
    private const string Deleted = """{"type":"DELETED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"16"},"data":{"k":"w"}}}""";
    private const string Expired = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (100)","reason":"Expired","code":410}}""";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ReadAsync_FramesSplitAcrossReads_DecodesEachEventOnce(int chunkSize)
    {
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes($"{Added}\n{Modified}\r\n\n{Bookmark}\n  \n{Deleted}\n"), chunkSize);

        var events = await ReadAllAsync(stream);

        Assert.Equal(
            [(WatchEventType.Added, "11"), (WatchEventType.Modified, "12"), (WatchEventType.Bookmark, "15"), (WatchEventType.Deleted, "16")],
            events.Select(e => (e.Type, e.ResourceVersion)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Added)!["object"], events[0].Object));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Bookmark)!["object"], events[2].Object));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Deleted)!["object"], events[3].Object));
    }

    [Fact]
    public async Task ReadAsync_ErrorEventAfterAdded_YieldsAddedThenThrowsStatus()
    {
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes($"{Added}\n{Expired}\n{Modified}\n"), 5);
        var events = new List<WatchEvent<JsonObject>>();

        var error = await Assert.ThrowsAsync<ApiException>(async () =>
        {
            await foreach (var e in WatchStream.ReadAsync(stream, ClientJsonContext.Object, CancellationToken.None))
            {
                events.Add(e);
            }
        });

        Assert.Equal([WatchEventType.Added], events.Select(e => e.Type));
        Assert.Equal((410, "Expired", "too old resource version: 5 (100)"), (error.Code, error.Reason, error.Message));
        Assert.True(error.IsGone());
    }

    [Fact]
    public async Task ReadAsync_TruncatedLastFrame_EndsAfterCompleteFrames()
    {
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes($"{Added}\n{Modified[..40]}"), 16);

        var events = await ReadAllAsync(stream);

        Assert.Equal([WatchEventType.Added], events.Select(e => e.Type));
    }

    [Fact]
    public void Decode_TypeAfterObject_StillDecoded()
    {
        var frame = """{"object":{"metadata":{"name":"b","resourceVersion":"7"}},"type":"MODIFIED"}"""u8;

        var e = WatchFrame.Decode(frame, ClientJsonContext.Object);

        Assert.Equal((WatchEventType.Modified, "7", "b"), (e.Type, e.ResourceVersion, e.Object.Name()));
    }

    [Fact]
    public void Decode_ErrorWithTypeAfterObject_ThrowsStatus()
    {
        var frame = """{"object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"gone","reason":"Gone","code":410},"type":"ERROR"}"""u8.ToArray();

        var error = Assert.Throws<ApiException>(() => WatchFrame.Decode(frame, ClientJsonContext.Object));

        Assert.Equal((410, "Gone"), (error.Code, error.Reason));
    }

    [Fact]
    public void Decode_MetadataAfterSpec_ResourceVersionStillFound()
    {
        var frame = """{"type":"ADDED","object":{"spec":{"deep":{"list":[1,{"metadata":{"resourceVersion":"wrong"}}]}},"metadata":{"resourceVersion":"42"},"kind":"X","apiVersion":"v1"}}"""u8;

        Assert.Equal("42", WatchFrame.Decode(frame, ClientJsonContext.Object).ResourceVersion);
    }

    [Fact]
    public void Decode_TypedModel_DecodesWithItsTypeInfo()
    {
        var e = WatchFrame.Decode(Encoding.UTF8.GetBytes(Modified), TestJson.Default.ConfigMap);

        Assert.Equal(("a", "ns", "12", "w"), (e.Object.Metadata.Name, e.Object.Metadata.Namespace, e.Object.Metadata.ResourceVersion, e.Object.Data!["k"]));
        Assert.Equal("12", e.ResourceVersion);
    }

    [Fact]
    public void Decode_NestingDeeperThanSystemTextJsonDefault_Decodes()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        var frame = Encoding.UTF8.GetBytes("""{"type":"ADDED","object":{"metadata":{"name":"deep","resourceVersion":"3"},"spec":""" + nested + "}}");

        var e = WatchFrame.Decode(frame, ClientJsonContext.Object);

        Assert.Equal("deep", e.Object.Name());
    }

    [Theory]
    [InlineData("""{"type":"SURPRISE","object":{}}""")]
    [InlineData("""{"type":"ADDED"}""")]
    [InlineData("""{"object":{}}""")]
    [InlineData("""["ADDED"]""")]
    public void Decode_MalformedFrame_ThrowsJsonException(string frame)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => WatchFrame.Decode(Encoding.UTF8.GetBytes(frame), ClientJsonContext.Object));
    }

    private static async Task<List<WatchEvent<JsonObject>>> ReadAllAsync(Stream stream)
    {
        var events = new List<WatchEvent<JsonObject>>();
        await foreach (var e in WatchStream.ReadAsync(stream, ClientJsonContext.Object, CancellationToken.None))
        {
            events.Add(e);
        }
        return events;
    }

    /// <summary>Returns at most <c>chunkSize</c> bytes per read, as a network stream may.</summary>
    private sealed class ChunkedStream(byte[] data, int chunkSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunkSize), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunkSize), data.Length - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return ValueTask.FromResult(n);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
