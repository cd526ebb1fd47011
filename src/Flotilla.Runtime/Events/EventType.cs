namespace Flotilla.Runtime.Events;

/// <summary>The <c>type</c> of a core/v1 Event.</summary>
public enum EventType
{
    /// <summary>Something expected happened (<c>Normal</c>).</summary>
    Normal,

    /// <summary>Something may need attention (<c>Warning</c>).</summary>
    Warning,
}
