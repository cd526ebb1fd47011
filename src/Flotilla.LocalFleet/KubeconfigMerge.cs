using YamlDotNet.RepresentationModel;

namespace Flotilla.LocalFleet;

/// <summary>
/// Merging one cluster's kubeconfig into an existing file, as <c>az aks get-credentials</c> does: clusters, users
/// and contexts of the same name are replaced, others kept, and the new context becomes current.
/// </summary>
public static class KubeconfigMerge
{
    private static readonly string[] NamedLists = ["clusters", "users", "contexts"];

    /// <summary>The merged kubeconfig text; <paramref name="existing"/> null or blank yields <paramref name="incoming"/>.</summary>
    /// <exception cref="InvalidOperationException">The existing file is not a kubeconfig (so nothing is overwritten).</exception>
    public static string Merge(string? existing, string incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (string.IsNullOrWhiteSpace(existing))
        {
            return incoming;
        }
        var target = Load(existing, "the existing kubeconfig");
        var source = Load(incoming, "the cluster's kubeconfig");
        foreach (var list in NamedLists)
        {
            var into = Sequence(target, list);
            foreach (var entry in Sequence(source, list).Children.OfType<YamlMappingNode>())
            {
                var name = NameOf(entry);
                var index = into.Children.ToList().FindIndex(e => e is YamlMappingNode m && NameOf(m) == name);
                if (index >= 0)
                {
                    into.Children[index] = entry;
                }
                else
                {
                    into.Children.Add(entry);
                }
            }
        }
        if (source.Children.TryGetValue(new YamlScalarNode("current-context"), out var current))
        {
            target.Children[new YamlScalarNode("current-context")] = current;
        }
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(target)).Save(writer, assignAnchors: false);
        // YamlStream ends documents with "..."; a kubeconfig reads better without it.
        return writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    private static YamlMappingNode Load(string text, string what)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidOperationException($"{what} is not valid YAML: {e.Message}", e);
        }
        return stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
            ?? throw new InvalidOperationException($"{what} is not a kubeconfig (a YAML mapping with clusters, users and contexts)");
    }

    private static YamlSequenceNode Sequence(YamlMappingNode root, string key)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode sequence)
        {
            return sequence;
        }
        var created = new YamlSequenceNode();
        root.Children[new YamlScalarNode(key)] = created;
        return created;
    }

    private static string? NameOf(YamlMappingNode entry) =>
        entry.Children.TryGetValue(new YamlScalarNode("name"), out var name) ? (name as YamlScalarNode)?.Value : null;
}
