# anthropic-sdk-python's README, "Streaming helpers", verbatim.
from anthropic import Anthropic

client = Anthropic()

with client.messages.stream(
    max_tokens=1024,
    messages=[
        {
            "role": "user",
            "content": "Say hello there!",
        }
    ],
    model="claude-sonnet-4-5-20250929",
) as stream:
    for text in stream.text_stream:
        print(text, end="", flush=True)
    print()
