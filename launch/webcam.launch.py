"""One camera: webcam_node with a parameters file (the Python twin of webcam.launch.xml).

    ros2 launch webcam webcam.launch.py video_device:=/dev/video2 namespace:=front

For composing into bigger Python launches, include it with IncludeLaunchDescription
and PythonLaunchDescriptionSource; the arguments below are the same as the XML
file's, with the same defaults, and win over the parameters file.
"""
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.parameter_descriptions import ParameterValue
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    namespace = DeclareLaunchArgument(
        'namespace', default_value='',
        description='Namespace of the node and its topics (e.g. front: /front/image_raw)')
    video_device = DeclareLaunchArgument(
        'video_device', default_value='/dev/video0',
        description="V4L2 device, used when the params file's source is empty")
    params_file = DeclareLaunchArgument(
        'params_file',
        default_value=PathJoinSubstitution([FindPackageShare('webcam'), 'params', 'webcam.yaml']),
        description='Parameters file; its /** or /namespace/webcam section applies')
    http_port = DeclareLaunchArgument(
        'http_port', default_value='8080',
        description="Port of the built-in viewer (web_video_server's URLs); 0 turns it off")
    log_level = DeclareLaunchArgument(
        'log_level', default_value='info',
        description='Log level: debug, info, warn, error or fatal')

    node = Node(
        package='webcam',
        executable='webcam_node',
        name='webcam',
        namespace=LaunchConfiguration('namespace'),
        output='screen',
        ros_arguments=['--log-level', LaunchConfiguration('log_level')],
        parameters=[
            LaunchConfiguration('params_file'),
            {
                'video_device': ParameterValue(LaunchConfiguration('video_device'), value_type=str),
                'http_port': ParameterValue(LaunchConfiguration('http_port'), value_type=int),
            },
        ],
    )
    return LaunchDescription([namespace, video_device, params_file, http_port, log_level, node])
