# engine/core/local.mk - errors, the clock, the network plan, the abort
# pipe and the table of symbolic names; includes no other stage.
ENGINE_SOURCES += engine/core/error.h engine/core/error.c \
	engine/core/plan.h engine/core/plan.c \
	engine/core/clock.h engine/core/clock.c \
	engine/core/abort.h engine/core/abort.c \
	engine/core/symbols.h engine/core/symbols.c
