namespace Flotilla.Api.Networking;

/// <summary>
/// The CEL rules declared on the networking types and their messages, in one place: the attributes (and so the
/// generated CRDs, which real API servers evaluate) and the networking admission code (which evaluates the same
/// rules for Flotilla's own API server) both read them, so the two cannot drift apart.
/// </summary>
internal static class NetworkingCelRules
{
    /// <summary>
    /// On ServiceExport, ServiceImport, MultiClusterService and the Traffic Manager kinds; the internal kinds have no
    /// such rule (spec §1.1).
    /// </summary>
    public const string NameLength = "size(self.metadata.name) < 64";
    public const string NameLengthMessage = "metadata.name max length is 63";

    /// <summary>The longest name <see cref="NameLength"/> admits.</summary>
    public const int MaxNameLength = 63;

    /// <summary>TrafficManagerProfile <c>spec.resourceGroup</c> cannot change once set (spec §1.10).</summary>
    public const string Immutable = "self == oldSelf";

    // The spec states the field is immutable without quoting upstream's message; this one follows the usual
    // "<field> is immutable" wording of fleet CEL messages.
    public const string ResourceGroupImmutableMessage = "resourceGroup is immutable";
}
