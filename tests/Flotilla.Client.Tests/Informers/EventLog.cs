using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Informers;

namespace Flotilla.Client.Tests.Informers;

/// <summary>One handler call as a test sees it.</summary>
internal sealed record Seen(string Kind, string Key, string ResourceVersion, bool Flag)
{
    public override string ToString() => $"{Kind} {Key}@{ResourceVersion}{(Flag ? "!" : "")}";
}

/// <summary>
/// A handler that applies every call to a model of the cache and records what is wrong with the calls: an add of a
/// key it already has, an update or delete of a key it lacks, an update whose old object is not the model's (a
/// duplicate, a gap or a reordering), and a resourceVersion going backwards for a key (our server's versions are
/// integers; the informer itself never compares them). At the end the model must equal the server's list.
/// </summary>
internal sealed class ModelHandler : IResourceEventHandler<JsonObject>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonObject> _model = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastVersion = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private readonly List<Seen> _seen = [];

    public int Tombstones { get; private set; }

    public int Calls { get; private set; }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_lock)
            {
                return [.. _violations];
            }
        }
    }

    public IReadOnlyList<Seen> Seen
    {
        get
        {
            lock (_lock)
            {
                return [.. _seen];
            }
        }
    }

    public Dictionary<string, JsonObject> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, JsonObject>(_model, StringComparer.Ordinal);
        }
    }

    public void OnAdd(JsonObject obj, bool isInInitialList)
    {
        var key = Key(obj);
        lock (_lock)
        {
            Record("add", key, obj, isInInitialList);
            if (!_model.TryAdd(key, obj))
            {
                _violations.Add($"add of {key}@{obj.ResourceVersion()}, which the model already has at {_model[key].ResourceVersion()}");
            }
        }
    }

    public void OnUpdate(JsonObject oldObj, JsonObject newObj)
    {
        var key = Key(newObj);
        lock (_lock)
        {
            Record(ReferenceEquals(oldObj, newObj) ? "resync" : "update", key, newObj, false);
            if (!_model.TryGetValue(key, out var current))
            {
                _violations.Add($"update of {key}@{newObj.ResourceVersion()}, which the model lacks");
            }
            else if (current.ResourceVersion() != oldObj.ResourceVersion())
            {
                _violations.Add($"update of {key} from {oldObj.ResourceVersion()} to {newObj.ResourceVersion()}, but the model has {current.ResourceVersion()}");
            }
            _model[key] = newObj;
        }
    }

    public void OnDelete(DeletedObject<JsonObject> deleted)
    {
        lock (_lock)
        {
            Record(deleted.FinalStateUnknown ? "tombstone" : "delete", deleted.Key, deleted.Object, deleted.FinalStateUnknown);
            if (deleted.FinalStateUnknown)
            {
                Tombstones++;
            }
            if (!_model.Remove(deleted.Key))
            {
                _violations.Add($"delete of {deleted.Key}, which the model lacks");
            }
        }
    }

    private void Record(string kind, string key, JsonObject obj, bool flag)
    {
        Calls++;
        var version = obj.ResourceVersion();
        _seen.Add(new Seen(kind, key, version, flag));
        var number = long.Parse(version, CultureInfo.InvariantCulture);
        if (_lastVersion.TryGetValue(key, out var last) && number < last)
        {
            _violations.Add($"{kind} of {key} at {version} after {last}: out of order");
        }
        _lastVersion[key] = Math.Max(number, last);
    }

    private static string Key(JsonObject obj) => obj.Namespace().Length == 0 ? obj.Name() : $"{obj.Namespace()}/{obj.Name()}";
}
