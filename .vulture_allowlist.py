"""Names vulture cannot see being used: discord.py hooks and callbacks, library attributes set for
their side effect, dataclass fields read by serialisation, and test-only conveniences."""

# ruff: noqa
from bot.discordbot import buttons, client
from bot.discordbot.cogs import admin, ask, browse, help, messages

# discord.py calls these by name
client.ChipTree.on_error
client.ChipBot.setup_hook
client.ChipBot.on_message
client.ChipBot.on_ready
client.ChipBot.on_connect
client.ChipBot.on_disconnect
client.ChipBot.on_resumed
client.ShardedChipBot.on_connect
client.ShardedChipBot.on_disconnect
client.ShardedChipBot.on_resumed
client.ShardedChipBot.on_shard_connect
client.ShardedChipBot.on_shard_disconnect
client.ShardedChipBot.on_shard_resumed
client.ShardedChipBot.on_shard_ready
buttons.VoteButton.from_custom_id
buttons.VoteButton.callback
buttons.MoreSourcesButton.from_custom_id
buttons.MoreSourcesButton.callback
admin.Admin.interaction_check
admin.Admin.stats
ask.Ask.cog_unload
browse.SearchPager.interaction_check
browse.SearchPager.on_error
help.Help.help
messages.Messages.on_message
_.setup  # extension entry points (cogs)
_.disabled  # discord.ui.Button state
# attributes set on library objects for their effect
_._new_conn  # urllib3 connection hook (corpus/sources/pool.py: the address check)
_.pool_classes_by_scheme  # urllib3 PoolManager: the guarded pools
_.intra_op_num_threads  # onnxruntime.SessionOptions
_.inter_op_num_threads
_.efConstruction  # faiss HNSW
_.sel  # faiss search parameters
_.forward  # torch.nn.Module, called by torch.onnx.export
# dataclass fields written to JSON or read by tests and benches
_.chunks_written
_.content_type
_.max_redirections  # http.client / urllib class attributes
_.max_repeats
_.normalised
_.build_seconds
_.running
_.exc_type  # __exit__ signature
_.tb
_.reset  # Cooldown.reset, for operators and tests
_.all_chunks  # ArticleStore.all_chunks, used by tests and bench/ingest_throughput.py
_.stats  # Index.stats, used by tests and benches
_.forget_layouts  # bot.answering.layout.forget_layouts, used by tests and bench/answer_latency.py
_.chunk_article  # corpus.chunk.chunk_article, the one-call chunker
# topic relevance: fitted and measured by bench/topic_relevance.py (and tests)
_.load_topics
_.read_topics
_.fit_topic_models
# follows: discord.py hooks and commands, report fields read by logs, tests and benches
_.cog_load
_.on_guild_channel_delete
_.unfollow_topics
_.following
_.recovered
_.sent
_.summarised
_.new_articles
_.baseline
_.sent_posts
_.near_miss  # LabelledQuestion.near_miss, read by tests and reports
_.FRESH  # bot.service.labelled.FRESH, the fresh held-out set, read by tests and bench/baselines.py
_.misses  # index.evaluate.Report.misses, written to JSON
