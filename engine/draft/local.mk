# engine/draft/local.mk - scripts drafted from captures: the connections
# of a capture and the script of one of them.
ENGINE_SOURCES += engine/draft/draft.h engine/draft/flows.c \
	engine/draft/write.c \
	engine/draft/draft_internal.h engine/draft/infer.c
