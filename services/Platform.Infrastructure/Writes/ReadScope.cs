using Platform.Infrastructure.Access;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// Who reads which rows of the audit trail and the record history: an administrator every row; any other caller the
/// rows it caused and those of resources its organisation or exchange owns (<c>owner</c>).
/// </summary>
internal sealed record ReadScope(bool Admin, string Self, string[] Owners)
{
    /// <summary>The rows' filter, over columns <c>caller</c> and <c>owner</c>, with parameters @admin, @self and @owners.</summary>
    public const string Sql = "(@admin or caller = @self or owner = any(@owners))";

    public static ReadScope Of(Caller caller) =>
        new(caller.IsAdmin, caller.Id, caller.IsAdmin ? [] : new[] { caller.Organisation, caller.Exchange }.OfType<string>().ToArray());

    /// <summary>The parts of a page query that bind a page token to the reader (none for an administrator).</summary>
    public (string? Self, string? Owners) PageQueryParts => Admin ? (null, null) : (Self, string.Join('\n', Owners));
}
