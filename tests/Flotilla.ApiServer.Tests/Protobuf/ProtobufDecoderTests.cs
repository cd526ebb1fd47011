using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Protobuf;

namespace Flotilla.ApiServer.Tests.Protobuf;

public sealed class ProtobufDecoderTests
{
    public static TheoryData<string> KubectlFixtureNames => [.. KubectlBodies.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(KubectlFixtureNames))]
    public void Decode_KubectlCreateBody_EqualsKubectlOwnJson(string name)
    {
        var fixture = KubectlBodies.All.Single(f => f.Name == name);

        var decoded = ProtobufDecoder.Decode(fixture.Body);

        AssertJson(fixture.Expected, decoded);
    }

    [Fact]
    public void Decode_KubectlCreateBody_WritesApiVersionAndKindFirst()
    {
        var decoded = ProtobufDecoder.Decode(KubectlBodies.Deployment.Body);

        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], decoded.Select(p => p.Key));
    }

    [Fact]
    public void SupportedKinds_CoverEveryKubectlFixture()
    {
        foreach (var fixture in KubectlBodies.All)
        {
            var expected = fixture.Expected;
            Assert.NotNull(KindSchemas.Find((string)expected["apiVersion"]!, (string)expected["kind"]!));
        }
    }

    [Fact]
    public void Decode_RichDeployment_KeepsExplicitZerosInlinesEmbeddedStructsAndConvertsSpecialTypes()
    {
        var body = RichDeploymentBody();

        var decoded = ProtobufDecoder.Decode(body);

        AssertJson(
            """
            {
              "apiVersion": "apps/v1",
              "kind": "Deployment",
              "metadata": {
                "name": "rich",
                "namespace": "default",
                "creationTimestamp": "2023-11-14T22:13:20Z",
                "labels": { "app": "rich" },
                "ownerReferences": [ { "apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": "u-1", "controller": true } ],
                "managedFields": [ {
                  "manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1", "time": "2023-11-14T22:13:20Z",
                  "fieldsType": "FieldsV1", "fieldsV1": { "f:metadata": {} }
                } ]
              },
              "spec": {
                "replicas": 0,
                "selector": {
                  "matchLabels": { "app": "rich" },
                  "matchExpressions": [ { "key": "tier", "operator": "In", "values": [ "a", "b" ] } ]
                },
                "template": {
                  "metadata": { "labels": { "app": "rich" } },
                  "spec": {
                    "volumes": [
                      { "name": "cache", "emptyDir": {} },
                      { "name": "cfg", "configMap": { "name": "app-config", "defaultMode": 420 } }
                    ],
                    "containers": [ {
                      "name": "app",
                      "image": "app:1",
                      "env": [
                        { "name": "A", "value": "1" },
                        { "name": "PASS", "valueFrom": { "secretKeyRef": { "name": "db", "key": "password", "optional": false } } }
                      ],
                      "resources": { "limits": { "cpu": "500m", "memory": "256Mi" }, "requests": { "cpu": "100m" } },
                      "volumeMounts": [ { "name": "cache", "mountPath": "/cache" } ],
                      "livenessProbe": { "httpGet": { "path": "/healthz", "port": "http" }, "initialDelaySeconds": 5 },
                      "securityContext": { "runAsNonRoot": false }
                    } ],
                    "securityContext": { "supplementalGroups": [ 1000, 2000, 3000 ], "fsGroup": 0 },
                    "tolerations": [ { "key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30 } ],
                    "priority": -5
                  }
                },
                "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": 0, "maxSurge": "25%" } },
                "revisionHistoryLimit": 2
              }
            }
            """,
            decoded);
    }

    /// <summary>A Deployment using what kubectl create never sends: env, probes, volumes, explicit zeros, times.</summary>
    internal static byte[] RichDeploymentBody() => ProtoWriter.Body("apps/v1", "Deployment", d => d
        .Message(1, m => m
            .String(1, "rich")
            .String(3, "default")
            .Message(8, t => t.Varint(1, 1_700_000_000L).Varint(2, 5L))
            .Entry(11, "app", "rich")
            .Message(13, o => o.String(5, "v1").String(1, "ConfigMap").String(3, "owner").String(4, "u-1").Varint(6, 1L))
            .Message(17, e => e
                .String(1, "kubectl").String(2, "Update").String(3, "apps/v1")
                .Message(4, t => t.Varint(1, 1_700_000_000L))
                .String(6, "FieldsV1")
                .Message(7, f => f.String(1, """{"f:metadata":{}}"""))))
        .Message(2, s => s
            .Varint(1, 0L) // replicas: a pointer, so an explicit 0 must survive
            .Message(2, sel => sel
                .Entry(1, "app", "rich")
                .Message(2, r => r.String(1, "tier").String(2, "In").String(3, "a").String(3, "b")))
            .Message(3, t => t
                .Message(1, m => m.Entry(11, "app", "rich"))
                .Message(2, p => p
                    .Message(1, v => v.String(1, "cache").Message(2, src => src.Message(2, _ => { })))
                    .Message(1, v => v.String(1, "cfg").Message(2, src => src
                        .Message(19, cm => cm.Message(1, r => r.String(1, "app-config")).Varint(3, 420L))))
                    .Message(2, c => c
                        .String(1, "app")
                        .String(2, "app:1")
                        .Message(7, e => e.String(1, "A").String(2, "1"))
                        .Message(7, e => e.String(1, "PASS").Message(3, from => from
                            .Message(4, k => k.Message(1, r => r.String(1, "db")).String(2, "password").Varint(3, 0L))))
                        .Message(8, r => r
                            .QuantityEntry(1, "cpu", "500m")
                            .QuantityEntry(1, "memory", "256Mi")
                            .QuantityEntry(2, "cpu", "100m"))
                        .Message(9, vm => vm.String(1, "cache").String(3, "/cache"))
                        .Message(10, probe => probe
                            .Message(1, h => h.Message(2, g => g
                                .String(1, "/healthz")
                                .Message(2, port => port.Varint(1, 1L).String(3, "http"))))
                            .Varint(2, 5L))
                        .Message(15, sc => sc.Varint(5, 0L))
                        .Varint(16, 0L))
                    .Message(14, psc => psc
                        .Message(4, packed => packed.RawVarint(1000).RawVarint(2000)) // packed run of field 4
                        .Varint(4, 3000L)
                        .Varint(5, 0L))
                    .Message(22, tol => tol.String(1, "k").String(2, "Exists").String(4, "NoExecute").Varint(5, 30L))
                    .Varint(25, -5L)
                    .Varint(11, 0L)))
            .Message(4, st => st
                .String(1, "RollingUpdate")
                .Message(2, ru => ru
                    .Message(1, mu => mu.Varint(1, 0L).Varint(2, 0L))
                    .Message(2, ms => ms.Varint(1, 1L).String(3, "25%"))))
            .Varint(5, 0L)
            .Varint(6, 2L))
        .Message(3, status => status.Varint(1, 7L)));

    [Fact]
    public void Decode_ConfigMapWithBinaryDataAndExplicitImmutableFalse_KeepsBoth()
    {
        var body = ProtoWriter.Body("v1", "ConfigMap", c => c
            .Message(1, m => m.String(1, "bin"))
            .Varint(4, 0L)
            .Message(2, e => e.String(1, "empty")) // an entry without a value is the empty string
            .Message(3, e => e.String(1, "blob").Bytes(2, [0x00, 0xFF, 0x10])));

        var decoded = ProtobufDecoder.Decode(body);

        AssertJson(
            """
            {
              "apiVersion": "v1", "kind": "ConfigMap",
              "metadata": { "name": "bin" },
              "immutable": false,
              "data": { "empty": "" },
              "binaryData": { "blob": "AP8Q" }
            }
            """,
            decoded);
    }

    [Fact]
    public void Decode_UnknownFieldsOfEveryWireTypeAtEveryLevel_AreSkipped()
    {
        var body = new ProtoWriter()
            .Raw("k8s\0"u8.ToArray())
            .Varint(9, 1L)
            .Message(1, t => t.String(1, "v1").Fixed32(7, 1).String(2, "Namespace"))
            .Message(2, ns => ns
                .Fixed64(99, ulong.MaxValue)
                .Message(1, m => m.Varint(15, 3L).String(1, "demo").Message(16, x => x.String(1, "ignored")).Fixed32(18, 9))
                .String(100, "tail"))
            .Fixed64(12, 0)
            .ToArray();

        var decoded = ProtobufDecoder.Decode(body);

        AssertJson(KubectlBodies.Namespace.Expected, decoded);
    }

    [Fact]
    public void Decode_UnknownKind_Is415NamingTheKindAndSayingToUseJson()
    {
        var body = ProtoWriter.Body("apps/v1", "StatefulSet", s => s.Message(1, m => m.String(1, "db")));

        var error = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(body));

        Assert.Equal(415, error.Code);
        Assert.Equal("UnsupportedMediaType", error.Reason);
        Assert.StartsWith("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf", error.Message);
        Assert.Contains("v1 Namespace", error.Message);
        Assert.EndsWith("send apps/v1 StatefulSet as application/json", error.Message);
    }

    [Theory]
    [InlineData("v2", "Namespace")]
    [InlineData("apps/v1beta1", "Deployment")]
    [InlineData("v1", "Endpoints")]
    public void Decode_KindOrVersionWithoutSchema_Is415(string apiVersion, string kind)
    {
        var body = ProtoWriter.Body(apiVersion, kind, _ => { });

        Assert.Equal(415, Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(body)).Code);
    }

    [Fact]
    public void Decode_CompressedEnvelope_Is415()
    {
        var body = new ProtoWriter()
            .Raw("k8s\0"u8.ToArray())
            .Message(1, t => t.String(1, "v1").String(2, "Namespace"))
            .Bytes(2, [1, 2, 3])
            .String(3, "gzip")
            .ToArray();

        var error = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(body));

        Assert.Equal(415, error.Code);
        Assert.Contains("gzip", error.Message);
    }

    public static TheoryData<string, byte[], string> MalformedBodies => new()
    {
        { "empty body", [], "expected the 4-byte prefix 6b387300 (\"k8s\\0\") but got an empty body" },
        { "JSON instead of protobuf", "{\"kind\":\"Namespace\"}"u8.ToArray(), "but got 7b226b69" },
        { "wrong magic", [.. "k8x\0"u8, 0x0A, 0x00], "but got 6b387800" },
        { "no typeMeta", [.. "k8s\0"u8, 0x12, 0x00], "runtime.Unknown has no typeMeta apiVersion and kind" },
        {
            "raw length past the end",
            [.. "k8s\0"u8, 0x12, 0xE8, 0x07, 0x0A],
            "field 2 of runtime.Unknown at byte 4 declares 1000 bytes but only 1 remain"
        },
        {
            "hostile 2^64-1 length prefix",
            [.. "k8s\0"u8, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            "declares 18446744073709551615 bytes but only 0 remain"
        },
        {
            "varint longer than 10 bytes",
            [.. "k8s\0"u8, 0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            "field 5 of runtime.Unknown has a varint longer than 10 bytes at byte 5"
        },
        { "truncated tag", [.. "k8s\0"u8, 0x80], "a field tag of runtime.Unknown is truncated at byte 5" },
        { "field number 0", [.. "k8s\0"u8, 0x02, 0x00], "a field tag of runtime.Unknown at byte 4 has field number 0, which is not valid" },
        { "wire type 7", [.. "k8s\0"u8, 0x0F], "field 1 of runtime.Unknown at byte 4 has wire type 7, which is not valid" },
        { "group wire type on an unknown field", [.. "k8s\0"u8, 0x2B], "uses the group wire type 3" },
        { "truncated fixed64", [.. "k8s\0"u8, 0x29, 0x01, 0x02], "field 5 of runtime.Unknown is truncated at byte 7: it needs 8 bytes at byte 5" },
        {
            "ObjectMeta.name sent as a varint",
            ProtoWriter.Body("v1", "Namespace", n => n.Message(1, m => m.Varint(1, 5L))),
            "field 1 of ObjectMeta at byte 25 has wire type 0 (varint), expected 2 (length-delimited)"
        },
        {
            "IntOrString of type 2",
            ProtoWriter.Body("v1", "Service", s => s.Message(2, spec => spec.Message(1, p => p.Message(4, t => t.Varint(1, 2L))))),
            "field 4 of ServicePort at byte 25 is an IntOrString of type 2; only 0 (int) and 1 (string) exist"
        },
        {
            "Time past year 9999",
            ProtoWriter.Body("v1", "Namespace", n => n.Message(1, m => m.Message(8, t => t.Varint(1, 300_000_000_000L)))),
            "field 8 of ObjectMeta at byte 25 is a Time of 300000000000 seconds, outside years 0001 to 9999"
        },
        {
            "fieldsV1 that is not JSON",
            ProtoWriter.Body("v1", "Namespace", n => n.Message(1, m => m.Message(17, e => e.Message(7, f => f.String(1, "{nope"))))),
            "field 7 of ManagedFieldsEntry at byte 28 does not hold valid JSON: "
        },
        {
            "map entry key sent as a varint",
            ProtoWriter.Body("v1", "ConfigMap", c => c.Message(2, e => e.Varint(1, 1L))),
            "field 1 of ConfigMap.data entry at byte 25 has wire type 0 (varint), expected 2 (length-delimited)"
        },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Decode_MalformedBody_Is400NamingWhatIsWrong(string why, byte[] body, string expectedMessagePart)
    {
        var error = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(body));

        Assert.True(error.Code == 400, $"{why}: got {error.Code} {error.Message}");
        Assert.Equal("BadRequest", error.Reason);
        Assert.StartsWith("invalid protobuf body: ", error.Message);
        Assert.True(error.Message.Contains(expectedMessagePart, StringComparison.Ordinal), $"{why}: message was: {error.Message}");
    }

    public static TheoryData<byte[]> OddFieldsV1Payloads => new()
    {
        { [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D] }, // {"a":"<invalid UTF-8>"}
        { [.. Enumerable.Repeat((byte)'[', 5000)] },
        { "null"u8.ToArray() },
        { "   "u8.ToArray() },
        { "{} trailing"u8.ToArray() },
        { [0xEF, 0xBB, 0xBF, .. "{}"u8] }, // byte-order mark
    };

    [Theory]
    [MemberData(nameof(OddFieldsV1Payloads))]
    public void Decode_OddFieldsV1Payload_SucceedsOrIs400(byte[] raw)
    {
        var body = ProtoWriter.Body("v1", "Namespace", n => n.Message(1, m => m.String(1, "x").Message(17, e => e.Message(7, f => f.Bytes(1, raw)))));

        try
        {
            var decoded = ProtobufDecoder.Decode(body);
            Assert.Equal("x", (string?)decoded["metadata"]?["name"]);
        }
        catch (ApiException e)
        {
            Assert.Equal(400, e.Code);
        }
    }

    [Fact]
    public void Decode_NamespaceBodyCutShort_NamesTheTruncatedField()
    {
        var body = KubectlBodies.Namespace.Body;

        var error = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(body.AsSpan(0, 37)));

        Assert.Equal(400, error.Code);
        Assert.Equal("invalid protobuf body: field 2 of runtime.Unknown at byte 21 declares 28 bytes but only 14 remain", error.Message);
    }

    [Fact]
    public void Decode_EveryPrefixOfEveryKubectlBody_SucceedsOrIs400()
    {
        foreach (var fixture in KubectlBodies.All)
        {
            var body = fixture.Body;
            for (var length = 0; length < body.Length; length++)
            {
                try
                {
                    ProtobufDecoder.Decode(body.AsSpan(0, length));
                }
                catch (ApiException e) when (e.Code == 400)
                {
                }
            }
        }
    }

    [Fact]
    public void Decode_TenThousandRandomMutationsOfRealBodies_OnlySucceedOrFailWith400Or415()
    {
        // Fixed seed: a failure names its iteration, and rerunning reproduces it exactly.
        var random = new Random(20_250_611);
        byte[][] fixtures = [.. KubectlBodies.All.Select(f => f.Body), RichDeploymentBody()];
        var outcomes = new int[3]; // decoded, 400, 415
        for (var iteration = 0; iteration < 10_000; iteration++)
        {
            var body = Mutate(fixtures[random.Next(fixtures.Length)], random);
            try
            {
                ProtobufDecoder.Decode(body);
                outcomes[0]++;
            }
            catch (ApiException e) when (e.Code == 400)
            {
                outcomes[1]++;
            }
            catch (ApiException e) when (e.Code == 415)
            {
                outcomes[2]++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {iteration}: {e.GetType().Name}: {e.Message}\nbody: {Convert.ToBase64String(body)}");
            }
        }
        // The mutations must exercise all three outcomes, or the test is not testing the parser.
        Assert.All(outcomes, count => Assert.True(count > 100, $"outcomes decoded/400/415: {string.Join("/", outcomes)}"));
    }

    /// <summary>One to three random edits after the magic: bit flips, byte overwrites, inserts, deletes, truncation.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits && bytes.Count > 4; i++)
        {
            var at = random.Next(4, bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }

    private static void AssertJson(string expectedJson, JsonObject actual) =>
        AssertJson(JsonNode.Parse(expectedJson)!.AsObject(), actual);

    private static void AssertJson(JsonObject expected, JsonObject actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected:\n{expected.ToJsonString()}\nactual:\n{actual.ToJsonString()}");
}
