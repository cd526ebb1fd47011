namespace Flotilla.Hub;

/// <summary>Comparisons of string maps (labels, annotations, property values) as the controllers' triggers need them.</summary>
internal static class Maps
{
    /// <summary>The same keys with the same values; a missing map is an empty one.</summary>
    public static bool SameEntries(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(pair => b!.TryGetValue(pair.Key, out var value) && value == pair.Value));
}
