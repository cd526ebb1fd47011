namespace Flotilla.Api.Meta;

/// <summary>
/// Recursive-descent parser for the label selector string grammar, with the same tokens, precedence and error
/// wording as upstream (<c>k8s.io/apimachinery/pkg/labels</c>) plus the column of the offending token:
/// <code>
/// selector    := "" | requirement ("," requirement)*
/// requirement := "!" key | key | key ("=" | "==" | "!=" | "&gt;" | "&lt;") value? | key ("in" | "notin") "(" values ")"
/// values      := value? ("," value?)*
/// </code>
/// Whitespace between tokens is ignored. A key or value is any run of characters other than whitespace and
/// <c>! = ( ) , &gt; &lt;</c>; it is then checked against the label syntax.
/// </summary>
internal sealed class LabelSelectorParser
{
    private readonly string _text;
    private readonly List<Token> _tokens = [];
    private int _next;

    private LabelSelectorParser(string text)
    {
        _text = text;
        Lex();
    }

    private enum TokenKind
    {
        Identifier,
        DoesNotExist,
        Equals,
        DoubleEquals,
        NotEquals,
        In,
        NotIn,
        OpenParen,
        CloseParen,
        Comma,
        GreaterThan,
        LessThan,
        End,
    }

    // In the "values" context the keywords in/notin are ordinary identifiers: a key or value may be named "in".
    private enum Context
    {
        Values,
        KeyAndOperator,
    }

    /// <summary>Parses <paramref name="text"/>; the requirements come back sorted by key, as upstream.</summary>
    /// <exception cref="ApiException">400 BadRequest saying what was found, what was expected, and where.</exception>
    public static List<LabelSelectorRequirement> Parse(string text)
    {
        var parser = new LabelSelectorParser(text);
        var requirements = parser.ParseSelector();
        return [.. requirements.OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    private List<LabelSelectorRequirement> ParseSelector()
    {
        var requirements = new List<LabelSelectorRequirement>();
        while (true)
        {
            var token = Peek(Context.Values);
            switch (token.Kind)
            {
                case TokenKind.Identifier or TokenKind.DoesNotExist:
                    requirements.Add(ParseRequirement());
                    var after = Consume(Context.Values);
                    switch (after.Kind)
                    {
                        case TokenKind.End:
                            return requirements;
                        case TokenKind.Comma:
                            var next = Peek(Context.Values);
                            if (next.Kind is not (TokenKind.Identifier or TokenKind.DoesNotExist))
                            {
                                throw Fail(next, "identifier after ','", requirement: false);
                            }
                            break;
                        default:
                            throw Fail(after, "',' or 'end of string'", requirement: false);
                    }
                    break;
                case TokenKind.End:
                    return requirements;
                default:
                    throw Fail(token, "!, identifier, or 'end of string'", requirement: false);
            }
        }
    }

    private LabelSelectorRequirement ParseRequirement()
    {
        var keyToken = Consume(Context.Values);
        LabelSelectorOperator? op = null;
        if (keyToken.Kind == TokenKind.DoesNotExist)
        {
            op = LabelSelectorOperator.DoesNotExist;
            keyToken = Consume(Context.Values);
        }
        if (keyToken.Kind != TokenKind.Identifier)
        {
            throw Fail(keyToken, "identifier", requirement: true);
        }

        // "k" alone (followed by ',' or the end) is an existence test; "!k" is one whatever follows, and anything
        // after it is then reported by the caller as "expected ',' or 'end of string'".
        if (op is null && Peek(Context.Values).Kind is TokenKind.End or TokenKind.Comma)
        {
            op = LabelSelectorOperator.Exists;
        }
        if (op is not null)
        {
            return Build(keyToken, op.Value, []);
        }

        var opToken = Consume(Context.KeyAndOperator);
        switch (opToken.Kind)
        {
            case TokenKind.In:
                return Build(keyToken, LabelSelectorOperator.In, ParseValueList());
            case TokenKind.NotIn:
                return Build(keyToken, LabelSelectorOperator.NotIn, ParseValueList());
            case TokenKind.Equals or TokenKind.DoubleEquals:
                return Build(keyToken, LabelSelectorOperator.Equals, [ParseExactValue()]);
            case TokenKind.NotEquals:
                return Build(keyToken, LabelSelectorOperator.NotEquals, [ParseExactValue()]);
            case TokenKind.GreaterThan:
                return Build(keyToken, LabelSelectorOperator.GreaterThan, [ParseExactValue()]);
            case TokenKind.LessThan:
                return Build(keyToken, LabelSelectorOperator.LessThan, [ParseExactValue()]);
            default:
                throw Fail(opToken, "one of in, notin, =, ==, !=, >, <", requirement: true);
        }
    }

    // After =, ==, !=, > or <: one identifier, or nothing at all (the empty value) before ',' or the end.
    private string ParseExactValue()
    {
        var token = Peek(Context.Values);
        if (token.Kind is TokenKind.End or TokenKind.Comma)
        {
            return "";
        }
        token = Consume(Context.Values);
        return token.Kind == TokenKind.Identifier ? token.Literal : throw Fail(token, "identifier", requirement: true);
    }

    // "(" then a comma-separated list where an omitted item is the empty value, so "()" and "(a,,b)" both parse.
    private List<string> ParseValueList()
    {
        var open = Consume(Context.Values);
        if (open.Kind != TokenKind.OpenParen)
        {
            throw Fail(open, "'('", requirement: true);
        }
        var values = new List<string>();
        var expectValue = true;
        while (true)
        {
            var token = Consume(Context.Values);
            switch (token.Kind)
            {
                case TokenKind.Identifier when expectValue:
                    values.Add(token.Literal);
                    expectValue = false;
                    break;
                case TokenKind.Comma:
                    if (expectValue)
                    {
                        values.Add("");
                    }
                    expectValue = true;
                    break;
                case TokenKind.CloseParen:
                    if (expectValue)
                    {
                        values.Add("");
                    }
                    return values;
                default:
                    throw Fail(token, expectValue ? "',', ')' or identifier" : "',' or ')'", requirement: true);
            }
        }
    }

    private LabelSelectorRequirement Build(Token keyToken, LabelSelectorOperator op, List<string> values)
    {
        try
        {
            return new LabelSelectorRequirement(keyToken.Literal, op, values);
        }
        catch (ApiException e)
        {
            throw ApiException.BadRequest($"unable to parse requirement: {e.Message} (at column {keyToken.Position + 1} of label selector \"{_text}\")");
        }
    }

    private ApiException Fail(Token found, string expected, bool requirement)
    {
        var what = found.Kind == TokenKind.End ? "found end of string" : $"found '{found.Literal}'";
        var prefix = requirement ? "unable to parse requirement: " : "";
        return ApiException.BadRequest($"{prefix}{what}, expected: {expected} (at column {found.Position + 1} of label selector \"{_text}\")");
    }

    private Token Peek(Context context) => Contextualize(_tokens[_next], context);

    private Token Consume(Context context)
    {
        var token = _tokens[_next];
        if (token.Kind != TokenKind.End)
        {
            _next++;
        }
        return Contextualize(token, context);
    }

    private static Token Contextualize(Token token, Context context) =>
        context == Context.Values && token.Kind is TokenKind.In or TokenKind.NotIn
            ? token with { Kind = TokenKind.Identifier }
            : token;

    private void Lex()
    {
        var i = 0;
        while (true)
        {
            while (i < _text.Length && char.IsWhiteSpace(_text[i]))
            {
                i++;
            }
            if (i == _text.Length)
            {
                _tokens.Add(new Token(TokenKind.End, "", i));
                return;
            }

            var start = i;
            var c = _text[i];
            var twoChar = i + 1 < _text.Length && _text[i + 1] == '=';
            TokenKind? symbol = c switch
            {
                '!' => twoChar ? TokenKind.NotEquals : TokenKind.DoesNotExist,
                '=' => twoChar ? TokenKind.DoubleEquals : TokenKind.Equals,
                '(' => TokenKind.OpenParen,
                ')' => TokenKind.CloseParen,
                ',' => TokenKind.Comma,
                '>' => TokenKind.GreaterThan,
                '<' => TokenKind.LessThan,
                _ => null,
            };
            if (symbol is { } kind)
            {
                i += kind is TokenKind.NotEquals or TokenKind.DoubleEquals ? 2 : 1;
                _tokens.Add(new Token(kind, _text[start..i], start));
                continue;
            }

            while (i < _text.Length && !char.IsWhiteSpace(_text[i]) && !IsSymbol(_text[i]))
            {
                i++;
            }
            var word = _text[start..i];
            var wordKind = word switch
            {
                "in" => TokenKind.In,
                "notin" => TokenKind.NotIn,
                _ => TokenKind.Identifier,
            };
            _tokens.Add(new Token(wordKind, word, start));
        }
    }

    private static bool IsSymbol(char c) => c is '!' or '=' or '(' or ')' or ',' or '>' or '<';

    private readonly record struct Token(TokenKind Kind, string Literal, int Position);
}
