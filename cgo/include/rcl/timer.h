/* Compatibility shim for rclgo on rcl >= 10 (ROS 2 Kilted and later).
 *
 * rcl 10 removed rcl_timer_init(); rclgo still calls it. This header is found
 * first on the include path (scripts/rosenv.sh puts this folder ahead of every
 * ROS include folder), pulls in the real <rcl/timer.h> and, only where the old
 * function is gone, defines it on top of rcl_timer_init2() with autostart, which
 * is what the old call did. On Humble and Jazzy it adds nothing.
 */
#ifndef WEBCAM_RCL_TIMER_SHIM_H_
#define WEBCAM_RCL_TIMER_SHIM_H_

#include_next <rcl/timer.h>

#if defined(__has_include)
#if __has_include(<rcl/version.h>)
#include <rcl/version.h>
#endif
#endif

#if defined(RCL_VERSION_MAJOR) && RCL_VERSION_MAJOR >= 10
static inline rcl_ret_t rcl_timer_init(
  rcl_timer_t * timer, rcl_clock_t * clock, rcl_context_t * context,
  int64_t period, const rcl_timer_callback_t callback, rcl_allocator_t allocator)
{
  return rcl_timer_init2(timer, clock, context, period, callback, allocator, true);
}
#endif

#endif  /* WEBCAM_RCL_TIMER_SHIM_H_ */
