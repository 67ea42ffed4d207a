"""One module per channel: how a channel's input becomes an `IncomingMessage` for the conversation
service, and what the channel reads back (the web widget; group chats through a webhook and an outbox;
WeCom in `channels/wecom/`)."""
