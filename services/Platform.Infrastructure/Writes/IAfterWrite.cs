using Google.Protobuf;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// What a service does once a write is durable, before its call is answered (registered in DI, run by
/// <see cref="WritePath"/> for every write call). It gets the call's answers, written now or replayed from their stored
/// answers: a retry repeats the follow-up its first call may have lost to a crash right after its commit.
/// </summary>
public interface IAfterWrite
{
    Task AnsweredAsync(WriteCall call, IReadOnlyList<IMessage> answers);
}
