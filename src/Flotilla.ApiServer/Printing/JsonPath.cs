using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Printing;

/// <summary>
/// The JSONPath subset used by CRD <c>additionalPrinterColumns</c> (and kubectl's <c>-o jsonpath</c> style):
/// <list type="bullet">
/// <item><c>.a.b</c>, <c>['key.with.dots']</c>, <c>["k"]</c>, <c>.a\.b</c> (escaped dot) — object fields;</item>
/// <item><c>[0]</c>, <c>[-1]</c>, <c>[1:3]</c>, <c>[0,2]</c> — array elements; <c>[*]</c> / <c>.*</c> — every element or field value;</item>
/// <item><c>..name</c> — recursive descent;</item>
/// <item><c>[?(@.type=="Ready")]</c> — filter with <c>==</c> <c>!=</c> <c>&lt;</c> <c>&lt;=</c> <c>&gt;</c> <c>&gt;=</c> against a string, number,
/// boolean or <c>null</c> literal (or another <c>@</c> path), or <c>[?(@.x)]</c> for "present and not null/false".</item>
/// </list>
/// A leading <c>$</c>, no leading dot (<c>status.phase</c>) and kubectl template braces (<c>{.a}</c>) are all tolerated.
/// Evaluation never throws: a missing field, wrong type or out-of-range index simply yields no result.
/// </summary>
internal sealed class JsonPath
{
    private readonly Step[] _steps;

    private JsonPath(string expression, Step[] steps)
    {
        Expression = expression;
        _steps = steps;
    }

    public string Expression { get; }

    /// <summary>Parses <paramref name="expression"/>; on failure <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string expression, [NotNullWhen(true)] out JsonPath? path, [NotNullWhen(false)] out string? error)
    {
        try
        {
            path = new JsonPath(expression, new Parser(expression).ParseExpression());
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            path = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Returns why <paramref name="expression"/> is not a valid path, or <c>null</c> when it is (for CRD validation).</summary>
    public static string? Validate(string expression) => TryParse(expression, out _, out var error) ? null : error;

    /// <summary>
    /// Every match in document order. A <c>null</c> element is a JSON <c>null</c> that was found; an empty list means
    /// nothing was found.
    /// </summary>
    public List<JsonNode?> Evaluate(JsonNode? root)
    {
        var current = new List<JsonNode?> { root };
        foreach (var step in _steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                step.Apply(node, next);
            }
            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }
        return current;
    }

    /// <summary>The first match, as printer columns use; false when there is none.</summary>
    public bool TryEvaluateFirst(JsonNode? root, out JsonNode? value)
    {
        var results = Evaluate(root);
        value = results.Count > 0 ? results[0] : null;
        return results.Count > 0;
    }

    public override string ToString() => Expression;

    private abstract class Step
    {
        public abstract void Apply(JsonNode? node, List<JsonNode?> output);
    }

    private sealed class ChildStep(string name) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is JsonObject obj && obj.TryGetPropertyValue(name, out var child))
            {
                output.Add(child);
            }
        }
    }

    private sealed class WildcardStep : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            switch (node)
            {
                case JsonObject obj:
                    output.AddRange(obj.Select(p => p.Value));
                    break;
                case JsonArray array:
                    output.AddRange(array);
                    break;
            }
        }
    }

    private sealed class IndexStep(int index) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is JsonArray array)
            {
                var i = index < 0 ? array.Count + index : index;
                if (i >= 0 && i < array.Count)
                {
                    output.Add(array[i]);
                }
            }
        }
    }

    private sealed class SliceStep(int? start, int? end, int stride) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is not JsonArray array)
            {
                return;
            }
            var from = Clamp(start ?? 0, array.Count);
            var to = Clamp(end ?? array.Count, array.Count);
            for (var i = from; i < to; i += stride)
            {
                output.Add(array[i]);
            }

            static int Clamp(int bound, int count) => Math.Clamp(bound < 0 ? count + bound : bound, 0, count);
        }
    }

    private sealed class UnionStep(Step[] parts) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            foreach (var part in parts)
            {
                part.Apply(node, output);
            }
        }
    }

    private sealed class RecursiveStep(Step inner) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            inner.Apply(node, output);
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (_, child) in obj)
                    {
                        Apply(child, output);
                    }
                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Apply(child, output);
                    }
                    break;
            }
        }
    }

    private sealed class FilterStep(Operand left, string? op, Operand? right) : Step
    {
        public override void Apply(JsonNode? node, List<JsonNode?> output)
        {
            if (node is not JsonArray array)
            {
                return;
            }
            foreach (var element in array)
            {
                if (Test(element))
                {
                    output.Add(element);
                }
            }
        }

        private bool Test(JsonNode? element)
        {
            if (!left.TryGetFirst(element, out var a))
            {
                return false;
            }
            if (op is null)
            {
                return a is not null && !(a is JsonValue v && v.GetValueKind() == JsonValueKind.False);
            }
            return right!.TryGetFirst(element, out var b) && Compare(a, b, op);
        }

        private static bool Compare(JsonNode? a, JsonNode? b, string op)
        {
            int? order = (Kind(a), Kind(b)) switch
            {
                (JsonValueKind.Number, JsonValueKind.Number) => JsonRead.AsDouble(a)!.Value.CompareTo(JsonRead.AsDouble(b)!.Value),
                (JsonValueKind.String, JsonValueKind.String) => string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>()),
                (JsonValueKind.True, JsonValueKind.True) or (JsonValueKind.False, JsonValueKind.False) or (JsonValueKind.Null, JsonValueKind.Null) => 0,
                _ => null,
            };
            return op switch
            {
                "==" => order == 0,
                "!=" => order != 0,
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                ">=" => order >= 0,
                _ => false,
            };
        }

        private static JsonValueKind Kind(JsonNode? node) => node switch
        {
            null => JsonValueKind.Null,
            JsonValue value => value.GetValueKind(),
            JsonObject => JsonValueKind.Object,
            _ => JsonValueKind.Array,
        };
    }

    private abstract class Operand
    {
        public abstract bool TryGetFirst(JsonNode? element, out JsonNode? value);
    }

    private sealed class PathOperand(Step[] steps) : Operand
    {
        private readonly JsonPath _relative = new("@", steps);

        public override bool TryGetFirst(JsonNode? element, out JsonNode? value) => _relative.TryEvaluateFirst(element, out value);
    }

    private sealed class LiteralOperand(JsonNode? literal) : Operand
    {
        public override bool TryGetFirst(JsonNode? element, out JsonNode? value)
        {
            value = literal;
            return true;
        }
    }

    /// <summary>Recursive-descent parser; errors are <see cref="FormatException"/>s naming the column.</summary>
    private sealed class Parser
    {
        private static readonly string[] Comparisons = ["==", "!=", "<=", ">=", "<", ">"];

        private readonly string _expression;
        private string _text;
        private int _pos;
        private int _offset;

        public Parser(string expression)
        {
            _expression = expression;
            _text = expression;
        }

        public Step[] ParseExpression()
        {
            var trimmed = _text.TrimStart();
            _offset = _text.Length - trimmed.Length;
            _text = trimmed.TrimEnd();
            if (_text.Length >= 2 && _text[0] == '{' && _text[^1] == '}')
            {
                // kubectl-style template braces around a single path: "{.status.phase}".
                _offset++;
                _text = _text[1..^1];
            }
            if (_text.Length == 0)
            {
                throw new FormatException("empty JSONPath expression");
            }

            var steps = new List<Step>();
            if (_text[0] == '$')
            {
                _pos = 1;
            }
            else if (_text[0] != '.' && _text[0] != '[')
            {
                steps.Add(new ChildStep(ParseName(inFilter: false)));
            }
            if (_text == "." || _text == "$.")
            {
                return [];
            }
            ParseSteps(steps, inFilter: false);
            if (_pos < _text.Length)
            {
                throw Error($"unexpected '{_text[_pos]}'");
            }
            return [.. steps];
        }

        private void ParseSteps(List<Step> steps, bool inFilter)
        {
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (inFilter && IsFilterTerminator(c))
                {
                    return;
                }
                if (c == '[')
                {
                    steps.Add(ParseBracket());
                }
                else if (c == '.' && Peek(1) == '.')
                {
                    _pos += 2;
                    steps.Add(new RecursiveStep(ParseStepAfterDot(inFilter)));
                }
                else if (c == '.')
                {
                    _pos++;
                    steps.Add(ParseStepAfterDot(inFilter));
                }
                else
                {
                    throw Error($"unexpected '{c}', expected '.' or '['");
                }
            }
        }

        private Step ParseStepAfterDot(bool inFilter)
        {
            if (_pos >= _text.Length || (inFilter && IsFilterTerminator(_text[_pos])))
            {
                throw Error("expected a field name after '.'");
            }
            if (_text[_pos] == '*')
            {
                _pos++;
                return new WildcardStep();
            }
            return _text[_pos] == '[' ? ParseBracket() : new ChildStep(ParseName(inFilter));
        }

        private string ParseName(bool inFilter)
        {
            var name = new StringBuilder();
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (c == '\\' && _pos + 1 < _text.Length)
                {
                    // "\." keeps a dot inside a field name: .metadata.labels.app\.kubernetes\.io/name
                    name.Append(_text[_pos + 1]);
                    _pos += 2;
                    continue;
                }
                if (c is '.' or '[' || (inFilter && IsFilterTerminator(c)) || IsReserved(c))
                {
                    break;
                }
                name.Append(c);
                _pos++;
            }
            if (name.Length == 0)
            {
                throw Error(_pos < _text.Length ? $"unexpected '{_text[_pos]}', expected a field name" : "expected a field name");
            }
            return name.ToString();
        }

        private Step ParseBracket()
        {
            var open = _pos;
            _pos++; // '['
            SkipSpaces();
            Step step;
            switch (Peek(0))
            {
                case '?':
                    _pos++;
                    step = ParseFilter();
                    break;
                case '*':
                    _pos++;
                    step = new WildcardStep();
                    break;
                case '\'' or '"':
                    var names = new List<Step>();
                    while (true)
                    {
                        names.Add(new ChildStep(ParseQuoted()));
                        SkipSpaces();
                        if (Peek(0) != ',')
                        {
                            break;
                        }
                        _pos++;
                        SkipSpaces();
                    }
                    step = names.Count == 1 ? names[0] : new UnionStep([.. names]);
                    break;
                default:
                    step = ParseIndexes(open);
                    break;
            }
            SkipSpaces();
            if (Peek(0) != ']')
            {
                throw Error(_pos < _text.Length ? $"unexpected '{_text[_pos]}', expected ']'" : $"'[' at column {_offset + open + 1} is not closed");
            }
            _pos++;
            return step;
        }

        // "[0]", "[-1]", "[0,2]", "[1:3]", "[::2]".
        private Step ParseIndexes(int open)
        {
            var close = _text.IndexOf(']', _pos);
            if (close < 0)
            {
                throw Error($"'[' at column {_offset + open + 1} is not closed");
            }
            var start = _pos;
            var parts = new List<Step>();
            foreach (var part in _text[_pos..close].Split(','))
            {
                parts.Add(part.Contains(':', StringComparison.Ordinal) ? ParseSlice(part, start) : new IndexStep(ParseInt(part, start)));
                start += part.Length + 1;
            }
            _pos = close;
            return parts.Count == 1 ? parts[0] : new UnionStep([.. parts]);
        }

        private SliceStep ParseSlice(string text, int at)
        {
            var bounds = text.Split(':');
            if (bounds.Length > 3)
            {
                throw ErrorAt(at, $"invalid array slice '{text}'");
            }
            int? Bound(int i) => i < bounds.Length && bounds[i].Trim().Length > 0 ? ParseInt(bounds[i], at) : null;
            var stride = Bound(2) ?? 1;
            if (stride <= 0)
            {
                throw ErrorAt(at, $"array slice step must be positive in '{text}'");
            }
            return new SliceStep(Bound(0), Bound(1), stride);
        }

        private int ParseInt(string text, int at) =>
            int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw ErrorAt(at, $"'{text.Trim()}' is not an array index, '*', a quoted field name or a filter");

        private FilterStep ParseFilter()
        {
            SkipSpaces();
            if (Peek(0) != '(')
            {
                throw Error("expected '(' after '?'");
            }
            _pos++;
            SkipSpaces();
            var left = ParseOperand();
            SkipSpaces();
            string? op = null;
            Operand? right = null;
            if (Peek(0) != ')')
            {
                op = ParseComparison();
                SkipSpaces();
                right = ParseOperand();
                SkipSpaces();
            }
            else if (left is not PathOperand)
            {
                throw Error("a filter without a comparison must test an '@' path, e.g. [?(@.ready)]");
            }
            if (Peek(0) != ')')
            {
                throw Error(_pos < _text.Length ? $"unexpected '{_text[_pos]}' in filter, expected ')'" : "filter is not closed with ')'");
            }
            _pos++;
            return new FilterStep(left, op, right);
        }

        private string ParseComparison()
        {
            foreach (var candidate in Comparisons)
            {
                if (string.CompareOrdinal(_text, _pos, candidate, 0, candidate.Length) == 0)
                {
                    _pos += candidate.Length;
                    return candidate;
                }
            }
            throw Error(_pos < _text.Length
                ? $"unexpected '{_text[_pos]}' in filter, expected one of == != < <= > >="
                : "filter ends before its comparison");
        }

        private Operand ParseOperand()
        {
            var c = Peek(0);
            switch (c)
            {
                case '@':
                    _pos++;
                    var steps = new List<Step>();
                    ParseSteps(steps, inFilter: true);
                    return new PathOperand([.. steps]);
                case '\'' or '"':
                    return new LiteralOperand(JsonValue.Create(ParseQuoted()));
            }

            var start = _pos;
            while (_pos < _text.Length && !IsFilterTerminator(_text[_pos]))
            {
                _pos++;
            }
            var word = _text[start.._pos];
            switch (word)
            {
                case "true":
                    return new LiteralOperand(JsonValue.Create(true));
                case "false":
                    return new LiteralOperand(JsonValue.Create(false));
                case "null":
                    return new LiteralOperand(null);
            }
            if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return new LiteralOperand(JsonValue.Create(number));
            }
            throw ErrorAt(start, word.Length == 0
                ? "expected '@' path or a literal in filter"
                : $"'{word}' is not an '@' path, quoted string, number, true, false or null");
        }

        // 'text' or "text"; a backslash escapes the next character.
        private string ParseQuoted()
        {
            var quote = _text[_pos];
            var start = _pos;
            _pos++;
            var text = new StringBuilder();
            while (_pos < _text.Length && _text[_pos] != quote)
            {
                if (_text[_pos] == '\\' && _pos + 1 < _text.Length)
                {
                    _pos++;
                }
                text.Append(_text[_pos]);
                _pos++;
            }
            if (_pos >= _text.Length)
            {
                throw ErrorAt(start, $"unterminated string starting with {quote}");
            }
            _pos++;
            return text.ToString();
        }

        private void SkipSpaces()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private char Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

        private static bool IsFilterTerminator(char c) => char.IsWhiteSpace(c) || c is '=' or '!' or '<' or '>' or ')' or ']';

        private static bool IsReserved(char c) => char.IsWhiteSpace(c) || c is ']' or '(' or ')' or ',' or '\'' or '"' or '{' or '}';

        private FormatException Error(string message) => ErrorAt(_pos, message);

        private FormatException ErrorAt(int pos, string message) =>
            new($"invalid JSONPath \"{_expression}\": {message} at column {_offset + pos + 1}");
    }
}
